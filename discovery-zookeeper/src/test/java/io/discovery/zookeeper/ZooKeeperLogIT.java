package io.discovery.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.discovery.client.LoggedChild;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the backend logs through a ZooKeeper outage at INFO, an application's usual level: one WARN
 * when the connection goes, one INFO when it is back, however many reconnect attempts come between.
 * (The ZooKeeper client's own lines are its loggers' to configure: see the README's Logging section.)
 */
class ZooKeeperLogIT {

  @Test
  void anOutageIsOneWarningAndOneInfoFromTheBackend() throws Exception {
    String output = LoggedChild.run("info", ZooKeeperOutage.class);

    List<String> backend = Arrays.stream(output.split("\n")).filter(l -> l.contains(" io.discovery.zookeeper.ZooKeeperBackend - "))
        .toList();
    assertThat(output).contains("=== END");
    assertThat(output.split("Connection refused").length - 1).as("failed reconnect attempts").isGreaterThanOrEqualTo(2);
    assertThat(backend).hasSize(2);
    assertThat(backend.get(0)).contains("WARN", "lost the connection to ZooKeeper");
    assertThat(backend.get(1)).contains("INFO", "connected to ZooKeeper at", "again");
  }
}
