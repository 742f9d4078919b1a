package io.discovery.client.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.discovery.client.Registration;
import io.discovery.client.RegistrationState;
import io.discovery.client.ServiceInstance;
import io.discovery.client.spi.BackendContext;
import io.discovery.testing.ManualScheduler;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** URI parameters and builder options, and what each changes in the calls to the agent. */
class ConsulOptionsTest extends ConsulFixture {

  private String healthQuery(ConsulBackend backend) {
    toClose.add(backend);
    return backend.healthQuery("payments", 5).url().toString();
  }

  @Test
  void viewQueriesAskForPassingInstancesAtTheIndexAndWait() {
    String url = healthQuery(ConsulBackend.builder("consul://127.0.0.1:8500").build());

    assertThat(url).isEqualTo("http://127.0.0.1:8500/v1/health/service/payments?passing&index=5&wait=300s");
  }

  @Test
  void datacenterStaleReadsAndWaitFromTheUri() {
    assertThat(healthQuery(ConsulBackend.builder("consul://127.0.0.1:8500?dc=eu-1&stale&wait=30s").build()))
        .isEqualTo("http://127.0.0.1:8500/v1/health/service/payments?passing&index=5&wait=30s&stale&dc=eu-1");
    assertThat(healthQuery(ConsulBackend.builder("consul://127.0.0.1:8500?stale=false&wait=45").build()))
        .isEqualTo("http://127.0.0.1:8500/v1/health/service/payments?passing&index=5&wait=45s");
  }

  @Test
  void datacenterAndStaleReadsFromTheBuilder() {
    assertThat(healthQuery(ConsulBackend.builder("consul://127.0.0.1:8500").datacenter("us-2").staleReads().build()))
        .endsWith("&stale&dc=us-2");
  }

  @Test
  void aBadWaitIsRefusedNamingIt() {
    assertThatThrownBy(() -> ConsulBackend.builder("consul://127.0.0.1:8500?wait=5m"))
        .hasMessage("invalid Consul wait '5m': expected seconds, e.g. 30s");
  }

  @Test
  void theFactoryBuildsFromTheUri() {
    ConsulBackendFactory factory = new ConsulBackendFactory();
    assertThat(factory.scheme()).isEqualTo("consul");
    assertThat(new ConsulHttpsBackendFactory().scheme()).isEqualTo("consul+https");
    ConsulBackend backend = (ConsulBackend) factory.create(URI.create(consul.uri() + "?wait=7s"),
        new BackendContext(new ManualScheduler(), TTL));
    assertThat(healthQuery(backend)).contains("wait=7s");
  }

  @Test
  void tlsFilesNeedHttpsAndAddressesNeedAPort() {
    assertThatThrownBy(() -> ConsulBackend.builder("consul://127.0.0.1:8500?ca=/tmp/ca.pem"))
        .hasMessage("invalid Consul URI 'consul://127.0.0.1:8500?ca=/tmp/ca.pem': ca=, cert= and key= are for TLS; use consul+https://");
    assertThatThrownBy(() -> ConsulBackend.builder("consul://127.0.0.1"))
        .hasMessage("invalid Consul agent address '127.0.0.1': expected host:port, e.g. 127.0.0.1:8500");
    assertThatThrownBy(() -> ConsulBackend.builder("etcd://127.0.0.1:8500")).hasMessageContaining("got scheme 'etcd'");
  }

  @Test
  void criticalInstancesAreReapedAfterAtLeastAMinute() {
    assertThatThrownBy(() -> backend().deregisterCriticalAfter(Duration.ofSeconds(59)))
        .hasMessage("invalid DeregisterCriticalServiceAfter PT59S: Consul's minimum is 1 minute");
    ServiceInstance instance = ServiceInstance.of("payments", "10.0.0.1:80");
    Registration registration = manualClient(backend().deregisterCriticalAfter(Duration.ofSeconds(60)).build()).register(instance);
    time.runDue();
    assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERED);

    ServiceInstance other = ServiceInstance.of("payments", "10.0.0.2:80");
    manualClient(backend().deregisterCriticalAfter(Duration.ofMinutes(90)).build()).register(other);
    time.runDue();
    assertThat(consul.service(other.id()).path("CheckDefinitions").get(0).path("DeregisterCriticalServiceAfter").asText())
        .isEqualTo("5400s");
  }

  @Test
  void blockingWaitAndRpcHoldLimits() {
    backend().blockingWait(Duration.ofSeconds(1)).blockingWait(Duration.ofMinutes(10)).rpcHoldTimeout(Duration.ZERO)
        .rpcHoldTimeout(Duration.ofMinutes(10));
    assertThatThrownBy(() -> backend().blockingWait(Duration.ofMillis(999))).hasMessageContaining("expected 1 s to 10 min");
    assertThatThrownBy(() -> backend().blockingWait(Duration.ofMinutes(10).plusMillis(1))).hasMessageContaining("expected 1 s to 10 min");
    assertThatThrownBy(() -> backend().rpcHoldTimeout(Duration.ofMillis(-1))).hasMessageContaining("expected 0 to 10 min");
    assertThatThrownBy(() -> backend().rpcHoldTimeout(Duration.ofMinutes(10).plusMillis(1))).hasMessageContaining("expected 0 to 10 min");
  }

  @Test
  void httpChecksTakeAPathOnTheInstanceOrAFullUrl() {
    ServiceInstance plain = ServiceInstance.of("payments", "10.0.0.1:80");
    ServiceInstance secure = ServiceInstance.builder("payments", "[::1]:8443").secure().build();
    ConsulCheck path = ConsulCheck.http("/health", Duration.ofSeconds(5));
    assertThat(path.url(plain)).isEqualTo("http://10.0.0.1:80/health");
    assertThat(path.url(secure)).isEqualTo("https://[::1]:8443/health");
    assertThat(ConsulCheck.http("https://lb.example/health", Duration.ofSeconds(5)).url(plain)).isEqualTo("https://lb.example/health");
    assertThat(ConsulCheck.http("http://lb.example/h", Duration.ofSeconds(5)).url(plain)).isEqualTo("http://lb.example/h");
    assertThatThrownBy(() -> ConsulCheck.http("health", Duration.ofSeconds(5)))
        .hasMessage("invalid HTTP check target 'health': expected a path like /health or an http(s):// URL");
  }

  @Test
  void checksDescribeThemselves() {
    assertThat(ConsulCheck.http("/health", Duration.ofSeconds(5))).hasToString("http check every PT5S of /health");
    assertThat(ConsulCheck.tcp(Duration.ofSeconds(2))).hasToString("tcp check every PT2S");
    assertThat(ConsulCheck.script(List.of("/bin/check", "--fast"), Duration.ofSeconds(3)))
        .hasToString("script check every PT3S [/bin/check, --fast]");
    assertThatThrownBy(() -> ConsulCheck.script(List.of(), Duration.ofSeconds(3))).hasMessageContaining("a script check needs a command");
  }

  @Test
  void servicesAreTheCatalogsConsulsOwnIncluded() {
    ConsulBackend backend = backend().build();
    toClose.add(backend);
    manualClient(backend).register(ServiceInstance.of("Payments", "10.0.0.1:80"));
    manualClient(backend().build()).register(ServiceInstance.of("orders", "10.0.0.2:80"));
    time.runDue();

    assertThat(backend.services()).containsExactly("consul", "orders", "payments");
  }
}
