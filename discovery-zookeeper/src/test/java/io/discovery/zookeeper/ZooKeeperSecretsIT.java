package io.discovery.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.discovery.client.LoggedChild;
import org.junit.jupiter.api.Test;

/** Everything printed at TRACE (ours and the ZooKeeper client's) while failing with digest credentials: no password. */
class ZooKeeperSecretsIT {

  @Test
  void noPasswordInAnythingPrintedWhileFailingWithCredentials() throws Exception {
    String output = LoggedChild.run(ZooKeeperSecretScenarios.class);

    assertThat(output).as("the scenarios ran, logging at TRACE")
        .contains("SCENARIOS DONE zookeeper", " DEBUG ", "REGISTERED", "RETRYING", "FAILED", "NoAuth");
    for (String secret : ZooKeeperSecretScenarios.SECRETS) {
      assertThat(output).doesNotContain(secret);
    }
  }
}
