package io.discovery.zookeeper;

import io.discovery.client.RegistryUnavailableException;
import io.discovery.client.ServiceInstance;
import io.discovery.client.spi.WatchListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * A persistent recursive watch on {@code <basePath>/<service>}, set before the first read so that no
 * change is missed. Every change event schedules one re-read of the children (events that arrive
 * while one is pending fold into it), which delivers the whole list. Ends with one
 * {@link WatchListener#onFailure} when the session disconnects or expires.
 */
final class ZooKeeperWatch implements Watcher {
  private final ZooKeeperBackend backend;
  private final String service;
  private final String path;
  private final WatchListener listener;
  private final AtomicBoolean readPending = new AtomicBoolean();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile ZooKeeper zk;

  ZooKeeperWatch(ZooKeeperBackend backend, String service, WatchListener listener) {
    this.backend = backend;
    this.service = service;
    this.path = backend.servicePath(service);
    this.listener = listener;
  }

  void start() {
    try {
      zk = backend.client();
      zk.addWatch(path, this, AddWatchMode.PERSISTENT_RECURSIVE);
      read();
    } catch (KeeperException e) {
      fail(ZooKeeperBackend.unavailable("could not watch " + path, e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail(new RegistryUnavailableException("interrupted while watching " + path));
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  @Override
  public void process(WatchedEvent event) {
    if (event.getType() == Event.EventType.None || ended.get()) {
      return;
    }
    if (readPending.compareAndSet(false, true)) {
      backend.execute(() -> {
        readPending.set(false);
        try {
          read();
        } catch (KeeperException e) {
          fail(ZooKeeperBackend.unavailable("could not read " + path, e));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
          fail(e);
        }
      });
    }
  }

  /** Reads every instance under the service node and delivers the list. */
  private void read() throws KeeperException, InterruptedException {
    if (ended.get()) {
      return;
    }
    Stat parent = new Stat();
    List<String> children;
    try {
      children = zk.getChildren(path, false, parent);
    } catch (KeeperException.NoNodeException none) {
      children = List.of();
    }
    long revision = parent.getPzxid();
    List<ServiceInstance> instances = new ArrayList<>(children.size());
    for (String child : children) {
      Stat stat = new Stat();
      byte[] data;
      try {
        data = zk.getData(path + "/" + child, false, stat);
      } catch (KeeperException.NoNodeException removedMeanwhile) {
        continue;
      }
      revision = Math.max(revision, stat.getMzxid());
      ServiceInstance instance = backend.decode(service, child, data, stat.getMzxid());
      if (instance != null) {
        instances.add(instance);
      }
    }
    if (!ended.get()) {
      listener.onInstances(instances, revision);
    }
  }

  /** Ends the watch because of {@code error}, telling the listener once. */
  void fail(Throwable error) {
    if (end()) {
      listener.onFailure(error);
    }
  }

  void close() {
    end();
  }

  private boolean end() {
    if (!ended.compareAndSet(false, true)) {
      return false;
    }
    backend.forget(this);
    ZooKeeper handle = zk;
    if (handle != null) {
      handle.removeWatches(path, this, WatcherType.Any, true, (rc, p, ctx) -> { }, null);
    }
    return true;
  }
}
