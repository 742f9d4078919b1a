package io.discovery.zookeeper;

import io.discovery.client.DiscoveryClient;
import io.discovery.testing.zookeeper.EmbeddedZooKeeper;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** For {@link ZooKeeperLogIT}: a registered, watching client through a 5 s server outage, in a JVM of its own. */
public final class ZooKeeperOutage {
  public static void main(String[] args) throws Exception {
    EmbeddedZooKeeper server = EmbeddedZooKeeper.start(Duration.ofMillis(250));
    DiscoveryClient client = DiscoveryClient.builder().registry(server.uri() + "/services").ttl(Duration.ofSeconds(10))
        .withoutShutdownHook().build();
    if (!client.register("payments", "10.0.0.1:80").awaitRegistered(Duration.ofSeconds(10))) {
      throw new IllegalStateException("not registered");
    }
    client.service("payments");
    System.out.println("=== SERVER DOWN");
    server.stop();
    LockSupport.parkNanos(Duration.ofSeconds(5).toNanos()); // the outage: several reconnect attempts of the ZooKeeper client
    System.out.println("=== SERVER UP");
    server.restart();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (client.service("payments").snapshot().stale() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(10_000_000);
    }
    System.out.println("=== END");
    System.exit(0);
  }
}
