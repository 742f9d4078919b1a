package io.discovery.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.discovery.client.consul.ConsulSecretScenarios;
import io.discovery.client.etcd.EtcdSecretScenarios;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Everything the client logs at TRACE, prints through {@code toString()} and puts in exception
 * messages while it fails with credentials in every way we know: no password, token or ACL token.
 */
class SecretsIT {
  /** etcd's simple tokens: 16 random letters, a dot, a counter. */
  private static final Pattern ETCD_SIMPLE_TOKEN = Pattern.compile("\\b[A-Za-z]{16}\\.\\d+\\b");

  @Test
  void noSecretInAnythingTheClientPrintsWhileFailingWithCredentials() throws Exception {
    String output = LoggedChild.run(SecretScenarios.class, "etcd", "consul");

    assertThat(output).as("the scenarios ran, logging at TRACE")
        .contains("SCENARIOS DONE etcd", "SCENARIOS DONE consul", " DEBUG ", "authentication failed", "permission denied",
            "ACL not found", "lacks permission", "FAILED", "RETRYING");
    List<String> secrets = new ArrayList<>(EtcdSecretScenarios.SECRETS);
    secrets.addAll(ConsulSecretScenarios.SECRETS);
    for (String secret : secrets) {
      assertThat(output).as("output of the scenarios").doesNotContain(secret);
    }
    assertThat(ETCD_SIMPLE_TOKEN.matcher(output).results().map(r -> r.group()).toList()).as("etcd tokens").isEmpty();
  }
}
