package io.discovery.zookeeper;

import io.discovery.testing.zookeeper.EmbeddedZooKeeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * The fixture of the tests against a ZooKeeper server in this JVM: one server per test class, a
 * service name of its own per test, and whatever a test opened closed after it, last first.
 */
abstract class InProcessZooKeeper {
  static final Duration TTL = Duration.ofSeconds(2);
  static EmbeddedZooKeeper server;

  final List<AutoCloseable> toClose = new ArrayList<>();
  String service;

  @BeforeAll
  static void startServer() {
    server = EmbeddedZooKeeper.start(Duration.ofMillis(250));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void serviceName(TestInfo test) {
    String method = test.getTestMethod().orElseThrow().getName().toLowerCase();
    service = method.substring(0, 20) + "-" + Integer.toHexString(method.hashCode());
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.remove(i).close();
    }
  }

  /** A plain ZooKeeper client, closed after the test: for reading or writing nodes behind the backend's back. */
  ZooKeeper rawClient() throws Exception {
    ZooKeeper zk = ZooKeeperSessions.connect(server.connectString());
    toClose.add(zk::close);
    return zk;
  }
}
