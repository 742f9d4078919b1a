package io.discovery.examples.readme;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.DiscoveryEvent;

/** The README's events snippet, compiled. */
final class Listening {
  private Listening() {
  }

  static DiscoveryClient client() {
    // readme:begin events
    DiscoveryClient discovery = DiscoveryClient.builder()
        .registry("etcd://10.0.0.5:2379")
        .listener(event -> {
          if (event instanceof DiscoveryEvent.Failed failed) {
            alert(failed.instance() + " was refused: " + failed.cause().getMessage());
          }
        })
        .build();
    // readme:end events
    return discovery;
  }

  private static void alert(String message) {
    System.err.println(message);
  }
}
