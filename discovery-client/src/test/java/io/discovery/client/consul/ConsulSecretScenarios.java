package io.discovery.client.consul;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import io.discovery.client.RegistrationState;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;

/** Consul failures with ACL tokens, for {@code io.discovery.client.SecretsIT}: prints what it did. */
public final class ConsulSecretScenarios {
  /** The tokens used; none may appear in the output. */
  public static final List<String> SECRETS = List.of("writer-S3cret-token", "reader-S3cret-token", "typo-S3cret-token");

  private ConsulSecretScenarios() {
  }

  public static void run() throws Exception {
    try (FakeConsul consul = new FakeConsul()) {
      consul.requireToken(SECRETS.get(0));
      consul.addToken(SECRETS.get(1), "aaaaaaaa-0000-0000-0000-000000000001", "service:read");
      try (DiscoveryClient unknown = client(consul.uri() + "?token=" + SECRETS.get(2));
           DiscoveryClient weak = client(consul.uri() + "?token=" + SECRETS.get(1));
           DiscoveryClient unreachable = client("consul://127.0.0.1:1?token=" + SECRETS.get(0))) {
        Registration refused = unknown.register("payments", "10.0.0.1:80");
        Registration denied = weak.register("payments", "10.0.0.2:80");
        Registration retrying = unreachable.register("payments", "10.0.0.3:80");
        unknown.service("payments", Duration.ofSeconds(1));
        weak.service("payments", Duration.ofSeconds(1));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> refused.state() == RegistrationState.FAILED
            && denied.state() == RegistrationState.FAILED && retrying.state() == RegistrationState.RETRYING);
        System.out.println("SCENARIO consul: " + refused + " " + refused.failure().orElseThrow().getMessage());
        System.out.println("SCENARIO consul: " + denied + " " + denied.failure().orElseThrow().getMessage());
        System.out.println("SCENARIO consul: " + retrying + " " + unreachable);
      }
    }
  }

  private static DiscoveryClient client(String uri) {
    return DiscoveryClient.builder().registry(uri).retryBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
        .initialLoadTimeout(Duration.ofSeconds(1)).withoutShutdownHook().build();
  }
}
