package io.discovery.client.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import io.discovery.client.RegistrationState;
import io.discovery.client.ServiceView;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The etcd backend against a real etcd with authentication enabled. */
class EtcdAuthIT extends EtcdClients {
  private static final String APP_PASSWORD = "app-S3cret-pw";
  private static final String NOBODY_PASSWORD = "nobody-S3cret-pw";
  private static EtcdServer etcd;

  @BeforeAll
  static void startEtcd() {
    etcd = EtcdServer.start();
    etcd.enableAuth("root-S3cret-pw", Map.of("app", APP_PASSWORD, "nobody", NOBODY_PASSWORD));
  }

  @AfterAll
  static void stopEtcd() {
    etcd.close();
  }

  private DiscoveryClient client(String user, String password) {
    return client(etcd.uri().replace("etcd://", "etcd://" + user + ":" + password + "@"), Duration.ofSeconds(3));
  }

  @Test
  void aUserWithRightsOnThePrefixRegistersAndWatchesThroughItsToken() throws Exception {
    Registration registration = client("app", APP_PASSWORD).register("secured", "10.0.0.1:80");
    assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();

    ServiceView view = client("app", APP_PASSWORD).service("secured");
    assertThat(view.instances()).containsExactly(registration.instance());
    Registration second = client("app", APP_PASSWORD).register("secured", "10.0.0.2:80");
    await().atMost(Duration.ofSeconds(10)).until(() -> view.instances().size() == 2);
    assertThat(second.state()).isEqualTo(RegistrationState.REGISTERED);
  }

  @Test
  void aTokenLostWhenEtcdRestartsIsReplacedWithoutLosingTheRegistration() throws Exception {
    Registration registration = client("app", APP_PASSWORD).register("restarted", "10.0.0.1:80");
    assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    ServiceView view = client("app", APP_PASSWORD).service("restarted");

    etcd.stop();
    etcd.restart(); // simple tokens live in the member's memory: every token is invalid now

    Registration after = client("app", APP_PASSWORD).register("restarted", "10.0.0.2:80");
    // a renewal that hit the stopped member retries: the registration comes back, it is never lost
    await().atMost(Duration.ofSeconds(20)).until(() -> view.instances().size() == 2 && !view.snapshot().stale()
        && registration.state() == RegistrationState.REGISTERED && after.state() == RegistrationState.REGISTERED);
    assertThat(view.instances()).contains(registration.instance(), after.instance());
  }

  @Test
  void aWrongPasswordOrMissingRightsFailTheRegistrationWithoutEverShowingAPassword() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8)); // slf4j-simple writes here
    Registration wrongPassword;
    Registration noRights;
    try {
      wrongPassword = client("app", "not-the-password").register("refused", "10.0.0.1:80");
      noRights = client("nobody", NOBODY_PASSWORD).register("refused", "10.0.0.2:80");
      await().atMost(Duration.ofSeconds(10)).until(() -> wrongPassword.state() == RegistrationState.FAILED
          && noRights.state() == RegistrationState.FAILED);
      client("app", "not-the-password").service("refused", Duration.ofSeconds(1));
    } finally {
      System.setErr(original);
    }

    assertThat(wrongPassword.failure()).get().extracting(Throwable::getMessage).asString()
        .contains("user 'app'", "authentication failed").doesNotContain("not-the-password");
    assertThat(noRights.failure()).get().extracting(Throwable::getMessage).asString()
        .contains("permission denied").doesNotContain(NOBODY_PASSWORD);
    String logged = log.toString(StandardCharsets.UTF_8);
    assertThat(logged).contains("refused").doesNotContain("not-the-password").doesNotContain(NOBODY_PASSWORD)
        .doesNotContain(APP_PASSWORD);
    assertThat(wrongPassword.toString()).doesNotContain("not-the-password");
  }
}
