package io.discovery.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.discovery.client.time.ManualScheduler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RegistryUriTest {

  @Test
  void unknownSchemeNamesTheSchemeAndTheAvailableOnes() {
    assertThatThrownBy(() -> DiscoveryClient.create("eureka://localhost:8761"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no backend for scheme 'eureka'")
        .hasMessageContaining("etcd, memory");
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
}
