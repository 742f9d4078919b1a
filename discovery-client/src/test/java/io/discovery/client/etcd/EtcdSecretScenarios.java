package io.discovery.client.etcd;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import io.discovery.client.RegistrationState;
import io.discovery.client.ServiceView;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/** etcd failures with credentials, for {@code io.discovery.client.SecretsIT}: prints what it did. */
public final class EtcdSecretScenarios {
  /** The passwords used; none may appear in the output. */
  public static final List<String> SECRETS = List.of("root-S3cret-pw", "app-S3cret-pw", "nobody-S3cret-pw", "wrong-S3cret-pw");

  private EtcdSecretScenarios() {
  }

  public static void run() throws Exception {
    try (EtcdServer etcd = EtcdServer.start()) {
      etcd.enableAuth(SECRETS.get(0), Map.of("app", SECRETS.get(1), "nobody", SECRETS.get(2)));
      String withUser = etcd.uri().replace("etcd://", "etcd://%s:%s@");
      try (DiscoveryClient wrong = client(String.format(withUser, "app", SECRETS.get(3)));
           DiscoveryClient nobody = client(String.format(withUser, "nobody", SECRETS.get(2)));
           DiscoveryClient app = client(String.format(withUser, "app", SECRETS.get(1)));
           DiscoveryClient unreachable = client("etcd://app:" + SECRETS.get(1) + "@127.0.0.1:1,127.0.0.1:2")) {
        Registration refused = wrong.register("payments", "10.0.0.1:80");
        Registration denied = nobody.register("payments", "10.0.0.2:80");
        Registration retrying = unreachable.register("payments", "10.0.0.3:80");
        Registration registered = app.register("payments", "10.0.0.4:80");
        wrong.service("payments", Duration.ofSeconds(1));
        nobody.service("payments", Duration.ofSeconds(1));
        ServiceView view = app.service("payments");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> refused.state() == RegistrationState.FAILED
            && denied.state() == RegistrationState.FAILED && retrying.state() == RegistrationState.RETRYING
            && registered.state() == RegistrationState.REGISTERED);
        etcd.stop();
        etcd.restart(); // every token is invalid now: the client gets a new one
        Registration after = app.register("payments", "10.0.0.5:80");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> view.instances().size() == 2
            && registered.state() == RegistrationState.REGISTERED && after.state() == RegistrationState.REGISTERED);
        System.out.println("SCENARIO etcd: " + refused + " " + refused.failure().orElseThrow().getMessage());
        System.out.println("SCENARIO etcd: " + denied + " " + denied.failure().orElseThrow().getMessage());
        System.out.println("SCENARIO etcd: " + retrying + " " + unreachable + " " + registered + " " + after + " " + view);
      }
      try {
        DiscoveryClient.builder().registry("etcd://app:" + SECRETS.get(1) + "@127.0.0.1:99999").build();
      } catch (IllegalArgumentException e) {
        System.out.println("SCENARIO etcd: " + e.getMessage());
      }
      try {
        EtcdBackend.builder("etcd+https://app:" + SECRETS.get(1) + "@127.0.0.1:2379?ca=/nonexistent.pem");
      } catch (IllegalArgumentException e) {
        System.out.println("SCENARIO etcd: " + e.getMessage());
      }
    }
  }

  private static DiscoveryClient client(String uri) {
    return DiscoveryClient.builder().registry(uri).ttl(Duration.ofSeconds(3)).retryBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
        .initialLoadTimeout(Duration.ofSeconds(1)).withoutShutdownHook().build();
  }
}
