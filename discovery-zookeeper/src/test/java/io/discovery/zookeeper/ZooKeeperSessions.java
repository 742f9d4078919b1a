package io.discovery.zookeeper;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/** Session tricks for tests. */
final class ZooKeeperSessions {
  private ZooKeeperSessions() {
  }

  /** A plain ZooKeeper client, connected: for tests that read or write nodes behind the backend's back. */
  static ZooKeeper connect(String connectString) throws Exception {
    return connected(connectString, 0, null);
  }

  /** Expires the backend's session the classic way: open it from a second client, then close that one. */
  static void expire(String connectString, ZooKeeperBackend backend) throws Exception {
    ZooKeeperBackend.SessionCredentials session = backend.session();
    connected(connectString, session.id(), session.password()).close();
  }

  private static ZooKeeper connected(String connectString, long sessionId, byte[] password) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    Watcher watcher = e -> {
      if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
        connected.countDown();
      }
    };
    ZooKeeper zk = password == null ? new ZooKeeper(connectString, 10_000, watcher)
        : new ZooKeeper(connectString, 10_000, watcher, sessionId, password);
    if (!connected.await(10, TimeUnit.SECONDS)) {
      zk.close();
      throw new IllegalStateException("could not connect to ZooKeeper at " + connectString
          + (password == null ? "" : " in the backend's session"));
    }
    return zk;
  }
}
