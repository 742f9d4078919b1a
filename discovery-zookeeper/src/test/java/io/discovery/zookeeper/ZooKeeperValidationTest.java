package io.discovery.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.ServiceInstance;
import org.junit.jupiter.api.Test;

/** What ZooKeeper can never hold is refused at register, before any connection. */
class ZooKeeperValidationTest {

  @Test
  void aNodeOverTheViewsLimitIsRefusedNamingSizeAndLimit() {
    try (DiscoveryClient client = DiscoveryClient.builder().registry("zookeeper://127.0.0.1:1/services")
        .withoutShutdownHook().build()) {
      ServiceInstance large = ServiceInstance.builder("payments", "10.0.0.1:80").metadata("blob", "x".repeat(70_000)).build();

      assertThatThrownBy(() -> client.register(large))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("in ZooKeeper").hasMessageContaining("views skip instances over 65536 bytes");
      assertThat(client.registrations()).isEmpty();
    }
  }

  @Test
  void aNodeLargerThanJuteMaxBufferIsRefusedNamingSizeAndLimit() {
    try (DiscoveryClient client = DiscoveryClient.builder().registry("zookeeper://127.0.0.1:1/services")
        .maxInstanceBytes(4 << 20).withoutShutdownHook().build()) {
      ServiceInstance huge = ServiceInstance.builder("payments", "10.0.0.1:80").metadata("blob", "x".repeat(2 << 20)).build();

      assertThatThrownBy(() -> client.register(huge))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("as a ZooKeeper node").hasMessageContaining("at most 1048575 bytes (jute.maxbuffer)");
      assertThat(client.registrations()).isEmpty();
    }
  }
}
