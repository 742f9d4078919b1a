package io.discovery.zookeeper;

import io.discovery.client.RegistryUnavailableException;
import io.discovery.client.ServiceInstance;
import io.discovery.client.spi.WatchListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * A persistent recursive watch on {@code <basePath>/<service>}, set before the first read so that no
 * change is missed. Everything runs asynchronously on the ZooKeeper client's event thread, which
 * delivers answers and events in the order the server sent them: the first load lists the children
 * and reads them in one pipelined batch; after it, an event reads the one node it names (a deletion
 * reads nothing) and delivers that change alone. Ends with one {@link WatchListener#onFailure} when
 * the session disconnects or expires.
 */
final class ZooKeeperWatch implements Watcher {
  private final ZooKeeperBackend backend;
  private final String service;
  private final String path;
  private final String childPrefix;
  private final WatchListener listener;
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile ZooKeeper zk;

  // Touched on the event thread only.
  /** The first load's instances by id, until it is delivered; then null. */
  private Map<String, ServiceInstance> loading = new HashMap<>();
  private boolean listed;
  private int readsPending;
  private long revision;

  ZooKeeperWatch(ZooKeeperBackend backend, String service, WatchListener listener) {
    this.backend = backend;
    this.service = service;
    this.path = backend.servicePath(service);
    this.childPrefix = path + "/";
    this.listener = listener;
  }

  /** Sets the watch and starts the first load; does not wait for the network. */
  void start() {
    try {
      ZooKeeper client = backend.client();
      zk = client;
      client.addWatch(path, this, AddWatchMode.PERSISTENT_RECURSIVE, (rc, p, ctx) -> {
        if (ended.get()) {
          // Ended while the watch was being set (a disconnect, a close): its removal may have come first.
          client.removeWatches(path, this, WatcherType.Any, true, (rc2, p2, ctx2) -> { }, null);
        } else if (rc != KeeperException.Code.OK.intValue()) {
          fail(KeeperException.create(KeeperException.Code.get(rc), path));
        } else {
          client.getChildren(path, false, this::listed, null);
        }
      }, null);
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  private void listed(int rc, String p, Object ctx, List<String> children, Stat stat) {
    KeeperException.Code code = KeeperException.Code.get(rc);
    if (ended.get()) {
      return;
    }
    if (code == KeeperException.Code.OK) {
      revision = Math.max(revision, stat.getPzxid());
      children.forEach(this::read);
    } else if (code != KeeperException.Code.NONODE) {
      fail(KeeperException.create(code, path));
      return;
    }
    listed = true;
    deliverLoadWhenComplete();
  }

  @Override
  public void process(WatchedEvent event) {
    String changed = event.getPath();
    if (event.getType() == Event.EventType.None || ended.get() || changed == null || !changed.startsWith(childPrefix)) {
      return;
    }
    String id = changed.substring(childPrefix.length());
    if (id.indexOf('/') >= 0) {
      return; // below an instance: not ours
    }
    if (event.getType() == Event.EventType.NodeDeleted && loading == null) {
      revision = Math.max(revision, event.getZxid());
      listener.onChanges(List.of(), List.of(id), revision);
    } else {
      read(id); // also a deletion during the first load: its read answers "no node"
    }
  }

  /** Reads one instance node; its answer arrives after every earlier answer and event. */
  private void read(String id) {
    if (loading != null) {
      readsPending++;
    }
    zk.getData(childPrefix + id, false, (rc, p, ctx, data, stat) -> read(id, rc, data, stat), null);
  }

  private void read(String id, int rc, byte[] data, Stat stat) {
    if (ended.get()) {
      return;
    }
    KeeperException.Code code = KeeperException.Code.get(rc);
    ServiceInstance instance = null;
    if (code == KeeperException.Code.OK) {
      revision = Math.max(revision, stat.getMzxid());
      instance = backend.decode(service, id, data, stat.getMzxid());
    } else if (code == KeeperException.Code.NOAUTH) {
      backend.unreadable(childPrefix + id, code);
    } else if (code != KeeperException.Code.NONODE) {
      fail(KeeperException.create(code, childPrefix + id));
      return;
    }
    if (loading != null) {
      if (instance != null) {
        loading.put(id, instance);
      } else {
        loading.remove(id);
      }
      readsPending--;
      deliverLoadWhenComplete();
    } else if (instance != null) {
      listener.onChanges(List.of(instance), List.of(), revision);
    } else {
      listener.onChanges(List.of(), List.of(id), revision);
    }
  }

  private void deliverLoadWhenComplete() {
    if (loading != null && listed && readsPending == 0 && !ended.get()) {
      List<ServiceInstance> instances = new ArrayList<>(loading.values());
      loading = null;
      listener.onInstances(instances, revision);
    }
  }

  /** Ends the watch because of {@code error}, telling the listener once. */
  void fail(Throwable error) {
    if (end()) {
      listener.onFailure(error instanceof KeeperException k ? ZooKeeperBackend.unavailable("could not watch " + path, k)
          : error instanceof RegistryUnavailableException ? error
          : new RegistryUnavailableException("ZooKeeper watch of " + path + " failed: " + error, error));
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
