package io.discovery.client.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** DNS SRV resolution against a real DNS server (dnsmasq) on loopback. */
class DnsSrvIT {
  private static final List<String> CONSUL_RECORDS = List.of(
      "local=/consul/",
      "srv-host=_payments._tcp.service.consul,pay1.node.dc1.consul,8080,0,10",
      "srv-host=_payments._tcp.service.consul,pay2.node.dc1.consul,8081,0,30",
      "srv-host=_payments._tcp.service.consul,backup.node.dc1.consul,9000,5,10",
      "host-record=pay1.node.dc1.consul,127.0.0.11",
      "host-record=pay2.node.dc1.consul,127.0.0.12",
      "host-record=backup.node.dc1.consul,127.0.0.13");

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private Dnsmasq dns(List<String> records) {
    Dnsmasq dns = Dnsmasq.start(records);
    toClose.add(dns);
    return dns;
  }

  private DiscoveryClient client(String uri) {
    DiscoveryClient client = DiscoveryClient.builder().registry(uri).retryBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
        .withoutShutdownHook().build();
    toClose.add(client);
    return client;
  }

  @Test
  void resolvesTheLowestPrioritySrvRecordsAndTheirAddressesToInstances() {
    Dnsmasq dns = dns(CONSUL_RECORDS);

    ServiceView view = client("dns+srv://service.consul?server=" + dns.server()).service("payments");

    assertThat(view.snapshot().stale()).isFalse();
    assertThat(view.instances()).containsExactly(
        new ServiceInstance("payments", "pay1.node.dc1.consul-127.0.0.11-8080", "127.0.0.11", 8080, false,
            Map.of("dns.target", "pay1.node.dc1.consul", "dns.priority", "0"), 10, null),
        new ServiceInstance("payments", "pay2.node.dc1.consul-127.0.0.12-8081", "127.0.0.12", 8081, false,
            Map.of("dns.target", "pay2.node.dc1.consul", "dns.priority", "0"), 30, null));
  }

  @Test
  void aFullSrvNameInTheUriServesThatService() {
    Dnsmasq dns = dns(CONSUL_RECORDS);

    ServiceView view = client("dns+srv://_payments._tcp.service.consul?server=" + dns.server()).service("payments");

    assertThat(view.instances()).extracting(ServiceInstance::hostPort).containsExactly("127.0.0.11:8080", "127.0.0.12:8081");
  }

  @Test
  void kubernetesHeadlessServicesResolveByPortName() {
    Dnsmasq dns = dns(List.of(
        "srv-host=_http._tcp.payments.default.svc.cluster.local,10-1-0-7.payments.default.svc.cluster.local,8080,0,100",
        "host-record=10-1-0-7.payments.default.svc.cluster.local,127.0.1.7"));

    ServiceView view = client("dns+srv://default.svc.cluster.local?port=http&server=" + dns.server()).service("payments");

    assertThat(view.instances()).extracting(ServiceInstance::hostPort).containsExactly("127.0.1.7:8080");
  }

  @Test
  void theViewFollowsRecordChangesWhenTheTtlRunsOut() {
    Dnsmasq dns = dns(CONSUL_RECORDS);
    ServiceView view = client("dns+srv://service.consul?server=" + dns.server()).service("payments");
    assertThat(view.instances()).hasSize(2);

    dns.restart(List.of(
        "srv-host=_payments._tcp.service.consul,pay3.node.dc1.consul,8082,0,10",
        "host-record=pay3.node.dc1.consul,127.0.0.14"));

    // The records' TTL is 1 s: the view asks again after it and sees the new answer.
    await().atMost(Duration.ofSeconds(10)).until(() -> view.instances().size() == 1
        && view.instances().get(0).hostPort().equals("127.0.0.14:8082"));
  }

  @Test
  void aNameThatDoesNotExistIsAnEmptyViewNotAnError() {
    Dnsmasq dns = dns(CONSUL_RECORDS);
    ServiceView view = client("dns+srv://service.consul?server=" + dns.server()).service("orders");
    assertThat(view.instances()).isEmpty();
    assertThat(view.snapshot().stale()).isFalse();
  }

  @Test
  void registrationIsRefusedBecauseDnsIsReadOnly() {
    Dnsmasq dns = dns(CONSUL_RECORDS);
    DiscoveryClient client = client("dns+srv://service.consul?server=" + dns.server());
    assertThatThrownBy(() -> client.register("payments", "10.0.0.1:80"))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("read-only");
    assertThat(client.registrations()).isEmpty();
  }

  @Test
  void aDnsServerThatStopsAnsweringLeavesTheViewStaleWithItsLastInstances() {
    Dnsmasq dns = dns(CONSUL_RECORDS);
    ServiceView view = client("dns+srv://service.consul?timeout=200ms&server=" + dns.server()).service("payments");
    assertThat(view.instances()).hasSize(2);

    dns.stop();

    await().atMost(Duration.ofSeconds(10)).until(() -> view.snapshot().stale());
    assertThat(view.instances()).hasSize(2);
  }
}
