package io.discovery.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.discovery.client.LoggedChild;
import org.junit.jupiter.api.Test;

/** ZooKeeper over TLS, configured through the ZooKeeper client's own system properties as the README says. */
class ZooKeeperTlsIT {

  @Test
  void registersAndWatchesThroughATlsOnlyPort() throws Exception {
    String output = LoggedChild.run("warn", ZooKeeperTlsScenario.class);

    assertThat(output).contains("TLS VIEW [ServiceInstance[service=payments, id=payments-10.0.0.1-80, host=10.0.0.1, port=80",
        "stale=false");
  }
}
