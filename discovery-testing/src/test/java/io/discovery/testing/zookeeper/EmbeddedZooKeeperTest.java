package io.discovery.testing.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/** The embedded server: a real ZooKeeper that a restart keeps the data of, and whose close leaves nothing behind. */
class EmbeddedZooKeeperTest {

  @Test
  void aRestartedServerKeepsItsPortAndData() throws Exception {
    try (EmbeddedZooKeeper server = EmbeddedZooKeeper.start(Duration.ofMillis(250))) {
      assertThat(server.connectString()).isEqualTo("127.0.0.1:" + server.port());
      assertThat(server.uri()).isEqualTo("zookeeper://127.0.0.1:" + server.port());
      ZooKeeper zk = connect(server);
      try {
        zk.create("/kept", "data".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      } finally {
        zk.close();
      }

      server.stop();
      server.restart();

      ZooKeeper again = connect(server);
      try {
        assertThat(new String(again.getData("/kept", false, null), StandardCharsets.UTF_8)).isEqualTo("data");
      } finally {
        again.close();
      }
    }
  }

  @Test
  void closingTheServerReleasesItsPortAndDeletesItsData() throws Exception {
    EmbeddedZooKeeper server = EmbeddedZooKeeper.start(Duration.ofMillis(250));
    Path data = server.baseDir();
    int port = server.port();
    assertThat(Files.exists(data)).isTrue();

    server.close();

    assertThat(Files.exists(data)).as("data deleted").isFalse();
    try (Socket socket = new Socket()) {
      assertThatThrownBy(() -> socket.connect(new InetSocketAddress("127.0.0.1", port), 1000))
          .isInstanceOf(ConnectException.class);
    }
  }

  private static ZooKeeper connect(EmbeddedZooKeeper server) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk = new ZooKeeper(server.connectString(), 10_000, e -> {
      if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
        connected.countDown();
      }
    });
    if (!connected.await(10, TimeUnit.SECONDS)) {
      zk.close();
      throw new IllegalStateException("could not connect to " + server.connectString());
    }
    return zk;
  }
}
