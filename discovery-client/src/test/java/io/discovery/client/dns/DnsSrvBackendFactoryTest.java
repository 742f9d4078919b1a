package io.discovery.client.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.discovery.client.spi.BackendContext;
import io.discovery.testing.ManualScheduler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DnsSrvBackendFactoryTest {
  private final ManualScheduler time = new ManualScheduler();
  private final ScriptedDns dns;

  DnsSrvBackendFactoryTest() throws Exception {
    dns = new ScriptedDns();
  }

  @AfterEach
  void stop() {
    dns.close();
  }

  private DnsSrvBackend create(String uri) {
    return (DnsSrvBackend) new DnsSrvBackendFactory().create(URI.create(uri), new BackendContext(time, Duration.ofSeconds(10)));
  }

  @Test
  void theSchemeIsDnsSrv() {
    assertThat(new DnsSrvBackendFactory().scheme()).isEqualTo("dns+srv");
  }

  @Test
  void aDomainAsksForTheServicesSrvRecordUnderIt() {
    create("dns+srv://Service.Consul?server=" + dns.server()).resolve("payments");

    assertThat(dns.questions()).containsExactly("udp _payments._tcp.service.consul/33");
  }

  @Test
  void aPortNameAsksTheKubernetesWay() {
    create("dns+srv://default.svc.cluster.local?port=http&server=" + dns.server()).resolve("payments");

    assertThat(dns.questions()).containsExactly("udp _http._tcp.payments.default.svc.cluster.local/33");
  }

  @Test
  void aFullSrvNameServesThatServiceAndRefusesOthers() {
    DnsSrvBackend backend = create("dns+srv://_payments._tcp.service.consul?server=" + dns.server());
    backend.resolve("PAYMENTS");
    assertThat(dns.questions()).containsExactly("udp _payments._tcp.service.consul/33");

    assertThatThrownBy(() -> backend.resolve("orders")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names the SRV record of 'payments'").hasMessageContaining("not of 'orders'");
  }

  @Test
  void aLabelOnlySrvNameIsThatService() {
    DnsSrvBackend backend = create("dns+srv://_payments?server=" + dns.server());
    backend.resolve("payments");

    assertThat(dns.questions()).containsExactly("udp _payments/33");
  }

  @Test
  void serversAreHostsWithOrWithoutPortsIncludingBracketedIpv6() {
    assertThat(create("dns+srv://service.consul?server=127.0.0.1:8600").server()).isEqualTo(new InetSocketAddress("127.0.0.1", 8600));
    assertThat(create("dns+srv://service.consul?server=127.0.0.1").server()).isEqualTo(new InetSocketAddress("127.0.0.1", 53));
    assertThat(create("dns+srv://service.consul?server=[::1]:5353").server()).isEqualTo(new InetSocketAddress("::1", 5353));
    assertThat(create("dns+srv://service.consul?server=[::1]").server()).isEqualTo(new InetSocketAddress("::1", 53));
    assertThat(create("dns+srv://service.consul?server=::1").server()).as("an unbracketed IPv6 address has no port")
        .isEqualTo(new InetSocketAddress("::1", 53));
    assertThat(create("dns+srv://service.consul?server=127.0.0.1:65535").server().getPort()).isEqualTo(65535);
    assertThat(create("dns+srv://service.consul?server=127.0.0.1:1").server().getPort()).isEqualTo(1);
  }

  @Test
  void withoutAServerTheSystemsFirstNameserverAnswers() {
    assertThat(create("dns+srv://service.consul").server().getPort()).isEqualTo(53);
    assertThat(create("dns+srv://service.consul?server=").server().getPort()).isEqualTo(53);
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:x", "[::1]:99999"})
  void aBadServerPortIsRefusedNamingTheServer(String server) {
    assertThatThrownBy(() -> create("dns+srv://service.consul?server=" + server)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid DNS server '" + server + "'").hasMessageContaining("expected host:port");
  }

  @Test
  void theTimeoutIsPositiveMilliseconds() {
    create("dns+srv://service.consul?timeout=500ms&server=" + dns.server());
    create("dns+srv://service.consul?timeout=1&server=" + dns.server());
    for (String bad : new String[] {"0", "-5", "5s", "", "ms"}) {
      assertThatThrownBy(() -> create("dns+srv://service.consul?timeout=" + bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid dns+srv timeout '" + bad + "'");
    }
  }

  @Test
  void unknownParametersAndBadAuthoritiesAreRefused() {
    assertThatThrownBy(() -> create("dns+srv://service.consul?sever=127.0.0.1"))
        .hasMessageContaining("unknown dns+srv URI parameter 'sever'");
    assertThatThrownBy(() -> create("dns+srv://service.consul:53")).hasMessageContaining("invalid dns+srv URI 'dns+srv://service.consul:53'");
    assertThatThrownBy(() -> create("dns+srv:///")).hasMessageContaining("expected dns+srv://<domain>");
  }

  @Test
  void aContextWithoutASchedulerIsRefused() {
    assertThatThrownBy(() -> new DnsSrvBackendFactory().create(URI.create("dns+srv://service.consul"),
        new BackendContext(null, Duration.ofSeconds(10)))).hasMessageContaining("needs the client's scheduler");
  }
}
