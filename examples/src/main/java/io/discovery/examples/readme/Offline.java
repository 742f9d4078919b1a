package io.discovery.examples.readme;

import io.discovery.client.DiscoveryClient;
import java.nio.file.Path;
import java.time.Duration;

/** The README's offline-mode snippet, compiled. */
final class Offline {
  private Offline() {
  }

  static DiscoveryClient client() {
    // readme:begin offline
    DiscoveryClient discovery = DiscoveryClient.builder()
        .registry("etcd://10.0.0.5:2379")
        .snapshotDirectory(Path.of("/var/lib/orders/discovery"))   // or DISCOVERY_SNAPSHOT_DIR; none by default
        .protectThreshold(0.5, Duration.ofSeconds(20))              // the default: half, for 2 x TTL
        .build();
    // readme:end offline
    return discovery;
  }
}
