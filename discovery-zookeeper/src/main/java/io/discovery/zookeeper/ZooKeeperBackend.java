package io.discovery.zookeeper;

import io.discovery.client.RegistryUnavailableException;
import io.discovery.client.ServiceInstance;
import io.discovery.client.spi.Lease;
import io.discovery.client.spi.LeaseLostException;
import io.discovery.client.spi.MalformedEntries;
import io.discovery.client.spi.RegistryBackend;
import io.discovery.client.spi.WatchHandle;
import io.discovery.client.spi.WatchListener;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ZooKeeper backend in Curator's service-discovery layout: an instance is the EPHEMERAL node
 * {@code <basePath>/<service>/<id>} holding Curator's instance JSON ({@link CuratorInstanceCodec});
 * parents are CONTAINER nodes. The heartbeat is the ZooKeeper session, whose timeout is the client's
 * TTL; a renewal checks that the node still exists and belongs to the current session, so after a
 * session expiry (a new session) or a deleted node the client registers again. Views use a
 * persistent recursive watch on the service's node and read the children again after each change.
 */
final class ZooKeeperBackend implements RegistryBackend {
  private static final Logger log = LoggerFactory.getLogger(ZooKeeperBackend.class);

  private final String connectString;
  private final String basePath;
  private final int sessionTimeoutMillis;
  private final Clock clock;
  private final ExecutorService reads;
  private final Set<ZooKeeperWatch> watches = ConcurrentHashMap.newKeySet();
  private final MalformedEntries malformed = new MalformedEntries("ZooKeeper");
  private final Object clientLock = new Object();
  /** Guarded by {@link #clientLock}; replaced when its session expires. */
  private ZooKeeper zooKeeper;
  private volatile boolean closed;

  ZooKeeperBackend(String connectString, String basePath, Duration sessionTimeout, Clock clock) {
    this.connectString = connectString;
    this.basePath = basePath;
    this.sessionTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, sessionTimeout.toMillis());
    this.clock = clock;
    this.reads = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "discovery-zookeeper-watch");
      t.setDaemon(true);
      return t;
    });
    synchronized (clientLock) {
      zooKeeper = connect();
    }
  }

  /** Starts connecting; returns at once (the ZooKeeper client connects in the background). */
  private ZooKeeper connect() {
    try {
      return new ZooKeeper(connectString, sessionTimeoutMillis, this::sessionEvent);
    } catch (IOException e) {
      throw new IllegalArgumentException("invalid ZooKeeper connect string '" + connectString + "': " + e.getMessage(), e);
    }
  }

  private void sessionEvent(WatchedEvent event) {
    if (event.getType() != Watcher.Event.EventType.None || closed) {
      return;
    }
    switch (event.getState()) {
      case SyncConnected -> log.debug("ZooKeeper session 0x{} connected", Long.toHexString(client().getSessionId()));
      case Disconnected -> failWatches(new RegistryUnavailableException("disconnected from ZooKeeper at " + connectString));
      case Expired -> {
        synchronized (clientLock) {
          if (!closed) {
            log.warn("ZooKeeper session expired; opening a new one (ephemeral nodes are registered again)");
            closeQuietly(zooKeeper);
            zooKeeper = connect();
          }
        }
        failWatches(new RegistryUnavailableException("ZooKeeper session expired"));
      }
      default -> {
      }
    }
  }

  private void failWatches(RuntimeException error) {
    watches.forEach(w -> w.fail(error));
  }

  ZooKeeper client() {
    synchronized (clientLock) {
      if (closed) {
        throw new IllegalStateException("ZooKeeper backend is closed");
      }
      return zooKeeper;
    }
  }

  String servicePath(String service) {
    return basePath + "/" + service;
  }

  private String path(ServiceInstance instance) {
    return servicePath(instance.service()) + "/" + instance.id();
  }

  /** Room for the create request's path, ACL and framing next to the node's data. */
  private static final int REQUEST_OVERHEAD = 1024;

  /**
   * Refuses an instance whose node would exceed {@code jute.maxbuffer} (1 MB by default, as the
   * client reads it): the server drops the connection on such a request, so every retry would fail.
   */
  @Override
  public void validate(ServiceInstance instance) {
    int limit = Integer.getInteger("jute.maxbuffer", 0xfffff);
    int size = CuratorInstanceCodec.write(instance, 0).length + path(instance).length();
    if (size + REQUEST_OVERHEAD > limit) {
      throw new IllegalArgumentException("instance '" + instance.id() + "' of '" + instance.service() + "' takes " + size
          + " bytes as a ZooKeeper node; ZooKeeper accepts requests of at most " + limit
          + " bytes (jute.maxbuffer): keep large data out of the metadata");
    }
  }

  @Override
  public Lease register(ServiceInstance instance, Duration ttl) {
    ZooKeeper zk = client();
    String path = path(instance);
    byte[] data = CuratorInstanceCodec.write(instance, clock.millis());
    try {
      for (int attempt = 0; ; attempt++) {
        try {
          createParents(zk, servicePath(instance.service()));
          zk.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
          break;
        } catch (KeeperException.NodeExistsException e) {
          // As Curator does: replace it, so that watchers see the new registration.
          deleteIfExists(zk, path);
        } catch (KeeperException.NoNodeException e) {
          // An empty container parent was reaped between creating it and the node; create it again.
          if (attempt > 2) {
            throw e;
          }
        }
      }
    } catch (KeeperException e) {
      throw unavailable("could not create " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryUnavailableException("interrupted while registering " + path);
    }
    return new Lease(instance, Long.toHexString(zk.getSessionId()));
  }

  private static void createParents(ZooKeeper zk, String path) throws KeeperException, InterruptedException {
    for (int slash = path.indexOf('/', 1); ; slash = path.indexOf('/', slash + 1)) {
      String parent = slash == -1 ? path : path.substring(0, slash);
      try {
        zk.create(parent, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.CONTAINER);
      } catch (KeeperException.NodeExistsException exists) {
        // already there
      }
      if (slash == -1) {
        return;
      }
    }
  }

  private static void deleteIfExists(ZooKeeper zk, String path) throws KeeperException, InterruptedException {
    try {
      zk.delete(path, -1);
    } catch (KeeperException.NoNodeException gone) {
      // someone else removed it
    }
  }

  @Override
  public void renew(Lease lease) {
    ZooKeeper zk = client();
    long session = zk.getSessionId();
    if (!lease.id().equals(Long.toHexString(session))) {
      throw new LeaseLostException("ZooKeeper session 0x" + lease.id() + " ended");
    }
    String path = path(lease.instance());
    Stat stat;
    try {
      stat = zk.exists(path, false);
    } catch (KeeperException e) {
      throw unavailable("could not check " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryUnavailableException("interrupted while checking " + path);
    }
    if (stat == null) {
      throw new LeaseLostException("node " + path + " was deleted");
    }
    if (stat.getEphemeralOwner() != session) {
      throw new LeaseLostException("node " + path + " belongs to another session");
    }
  }

  @Override
  public void deregister(Lease lease) {
    ZooKeeper zk = client();
    String path = path(lease.instance());
    try {
      Stat stat = zk.exists(path, false);
      if (stat != null && stat.getEphemeralOwner() == zk.getSessionId()) {
        zk.delete(path, stat.getVersion());
      }
    } catch (KeeperException.NoNodeException | KeeperException.BadVersionException gone) {
      // removed or replaced meanwhile: not ours to delete any more
    } catch (KeeperException e) {
      throw unavailable("could not delete " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryUnavailableException("interrupted while deleting " + path);
    }
  }

  @Override
  public WatchHandle watch(String service, WatchListener listener) {
    ZooKeeperWatch watch = new ZooKeeperWatch(this, service, listener);
    watches.add(watch);
    reads.execute(watch::start);
    return watch::close;
  }

  void forget(ZooKeeperWatch watch) {
    watches.remove(watch);
  }

  /** Runs a re-read of a watched service on the backend's read thread. */
  void execute(Runnable read) {
    if (!closed) {
      reads.execute(read);
    }
  }

  /** Decodes an instance node, or returns null after logging it once when it is malformed. */
  ServiceInstance decode(String service, String id, byte[] data, long modifiedZxid) {
    try {
      return CuratorInstanceCodec.read(service, id, data);
    } catch (IllegalArgumentException e) {
      malformed.skipped(servicePath(service) + "/" + id, Long.toHexString(modifiedZxid), e.getMessage());
      return null;
    }
  }

  static RegistryUnavailableException unavailable(String what, KeeperException e) {
    return new RegistryUnavailableException("ZooKeeper: " + what + ": " + e.getMessage(), e);
  }

  /** The current session's id and password; for tests that expire it. */
  SessionCredentials session() {
    ZooKeeper zk = client();
    return new SessionCredentials(zk.getSessionId(), zk.getSessionPasswd());
  }

  record SessionCredentials(long id, byte[] password) {
  }

  @Override
  public void close() {
    ZooKeeper toClose;
    synchronized (clientLock) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = zooKeeper;
    }
    watches.forEach(ZooKeeperWatch::close);
    reads.shutdownNow();
    closeQuietly(toClose);
  }

  private static void closeQuietly(ZooKeeper zk) {
    try {
      zk.close(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
