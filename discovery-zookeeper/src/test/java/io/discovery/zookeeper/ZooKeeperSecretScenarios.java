package io.discovery.zookeeper;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import io.discovery.client.RegistrationState;
import io.discovery.client.ServiceView;
import io.discovery.testing.zookeeper.EmbeddedZooKeeper;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;

/** ZooKeeper failures with digest credentials, for {@link ZooKeeperSecretsIT}: runs in a JVM logging at TRACE. */
public final class ZooKeeperSecretScenarios {
  static final List<String> SECRETS = List.of("app-S3cret-pw", "wrong-S3cret-pw");

  public static void main(String[] args) throws Exception {
    try (EmbeddedZooKeeper server = EmbeddedZooKeeper.start(Duration.ofMillis(250))) {
      String base = server.connectString() + "/secured";
      try (DiscoveryClient app = client("zookeeper://app:" + SECRETS.get(0) + "@" + base);
           DiscoveryClient wrong = client("zookeeper://app:" + SECRETS.get(1) + "@" + base);
           DiscoveryClient unreachable = client("zookeeper://app:" + SECRETS.get(0) + "@127.0.0.1:1/secured")) {
        Registration registered = app.register("payments", "10.0.0.1:80");
        Registration retrying = unreachable.register("payments", "10.0.0.2:80");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> registered.state() == RegistrationState.REGISTERED);
        Registration refused = wrong.register("payments", "10.0.0.3:80");
        ServiceView denied = wrong.service("payments", Duration.ofSeconds(1));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> refused.state() == RegistrationState.FAILED);
        System.out.println("SCENARIO zookeeper: " + registered + " " + retrying + " " + refused + " "
            + refused.failure().orElseThrow().getMessage() + " " + denied.snapshot() + " " + unreachable);
      }
    }
    System.out.println("SCENARIOS DONE zookeeper");
    System.exit(0);
  }

  private static DiscoveryClient client(String uri) {
    return DiscoveryClient.builder().registry(uri).ttl(Duration.ofSeconds(2)).retryBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
        .initialLoadTimeout(Duration.ofSeconds(1)).withoutShutdownHook().build();
  }
}
