package io.discovery.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.discovery.testing.ManualScheduler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RegistryUriTest {

  @Test
  void unknownSchemeNamesTheSchemeAndTheAvailableOnes() {
    assertThatThrownBy(() -> DiscoveryClient.create("eureka://localhost:8761"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no backend for scheme 'eureka'")
        .hasMessageContaining("etcd, etcd+https, memory");
  }

  @Test
  void malformedEtcdUrisAreRefusedNamingTheBadPart() {
    assertThatThrownBy(() -> DiscoveryClient.create("etcd://127.0.0.1:2379,nohost"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid etcd server 'nohost'");
    assertThatThrownBy(() -> DiscoveryClient.create("etcd://a b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid registry URI 'etcd://a b'");
  }

  @Test
  void invalidSettingsAreRefusedNamingTheValue() {
    assertThatThrownBy(() -> DiscoveryClient.builder().ttl(Duration.ofMillis(10)))
        .hasMessageContaining("invalid ttl PT0.01S");
    assertThatThrownBy(() -> DiscoveryClient.builder().retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("invalid backoff PT2S..PT1S");
  }

  @Test
  void memoryUrisShareARegistryByName() throws Exception {
    ManualScheduler time = new ManualScheduler();
    try (DiscoveryClient a = DiscoveryClient.builder().registry("memory://uri-test").scheduler(time).withoutShutdownHook().build();
         DiscoveryClient b = DiscoveryClient.builder().registry("memory://uri-test").scheduler(time).withoutShutdownHook().build()) {
      a.register("payments", "10.0.0.1:80");
      time.runDue();
      assertThat(b.service("payments").instances()).hasSize(1);
    }
  }

  @Test
  void badInputGetsAOneLineErrorNamingIt() {
    assertThatThrownBy(() -> ServiceInstance.of("payments", "[::1a.2.3.4]:80"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'::1a.2.3.4'");
    assertThatThrownBy(() -> DiscoveryClient.create("etcd//127.0.0.1:2379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'etcd//127.0.0.1:2379': no scheme").hasMessageContaining("etcd://127.0.0.1:2379");
    assertThatThrownBy(() -> DiscoveryClient.create("consul:/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid Consul URI 'consul:/x'").hasMessageNotContaining("null");
    assertThatThrownBy(() -> DiscoveryClient.create("zookeeper://127.0.0.1:2181/services"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("add the dependency io.discovery:discovery-zookeeper");
    assertThatThrownBy(() -> DiscoveryClient.create("dns+srv://service.consul?server=127.0.0.1:8600&timeout=0"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid dns+srv timeout '0'");
    assertThatThrownBy(() -> DiscoveryClient.create("dns+srv://service.consul?server=127.0.0.1:8600&timeout=soon"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid dns+srv timeout 'soon'");
  }

  @Test
  void passwordsInUrisNeverReachAMessage() {
    assertThat(io.discovery.client.internal.RegistryUris.redacted("etcd://app:p@ss@w0rd@h1:2379,h2:2379/x"))
        .isEqualTo("etcd://app:(hidden)@h1:2379,h2:2379/x");
    assertThatThrownBy(() -> io.discovery.client.etcd.EtcdBackend.builder("etcd://app:se cret@h1:2379"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("se cret");
    assertThatThrownBy(() -> io.discovery.client.consul.ConsulBackend.builder("consul://h1:8500?token=se cret"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("se cret");
  }

  @Test
  void serviceNamesAreCaseInsensitiveAndKeptInLowerCase() throws Exception {
    ManualScheduler time = new ManualScheduler();
    try (DiscoveryClient client = DiscoveryClient.builder().registry("memory://case-test").scheduler(time)
        .initialLoadTimeout(Duration.ZERO).withoutShutdownHook().build()) {
      client.register("Payments", "10.0.0.1:80");
      time.runDue();
      ServiceView view = client.service("PAYMENTS");
      assertThat(view.service()).isEqualTo("payments");
      assertThat(view).isSameAs(client.service("payments"));
      assertThat(view.instances()).extracting(ServiceInstance::service).containsExactly("payments");
    }
  }
}
