package io.discovery.zookeeper;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/** Session tricks for tests. */
final class ZooKeeperSessions {
  private ZooKeeperSessions() {
  }

  /** Expires the backend's session the classic way: open it from a second client, then close that one. */
  static void expire(String connectString, ZooKeeperBackend backend) throws Exception {
    ZooKeeperBackend.SessionCredentials session = backend.session();
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper impostor = new ZooKeeper(connectString, 10_000, e -> {
      if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
        connected.countDown();
      }
    }, session.id(), session.password());
    if (!connected.await(10, TimeUnit.SECONDS)) {
      impostor.close();
      throw new IllegalStateException("could not open the backend's session from a second client");
    }
    impostor.close();
  }
}
