package io.discovery.zookeeper;

import io.discovery.client.RegistrationRejectedException;
import io.discovery.client.RegistryUnavailableException;
import io.discovery.client.ServiceInstance;
import io.discovery.client.spi.Credentials;
import io.discovery.client.spi.Lease;
import io.discovery.client.spi.LeaseLostException;
import io.discovery.client.internal.MalformedEntries;
import io.discovery.client.spi.RegistryBackend;
import io.discovery.client.spi.WatchHandle;
import io.discovery.client.spi.WatchListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ZooKeeper backend in Curator's service-discovery layout: an instance is the EPHEMERAL node
 * {@code <basePath>/<service>/<id>} holding Curator's instance JSON ({@link CuratorInstanceCodec});
 * parents are CONTAINER nodes. The heartbeat is the ZooKeeper session, whose timeout is the client's
 * TTL. When a session expires, a new one is opened and every registered node is created again as
 * soon as it connects; a renewal checks that the node exists and belongs to the current session.
 * Views use a persistent recursive watch on the service's node ({@link ZooKeeperWatch}).
 *
 * <p>With credentials, the session authenticates with ZooKeeper's digest scheme and creates service
 * and instance nodes readable and writable by that user only (Curator's and Spring Cloud
 * Zookeeper's {@code authorization("digest", "user:password")} reads them); base path nodes it
 * creates let anyone read and create below, so that other users' services can live there too.
 *
 * <p>No thread of its own: the ZooKeeper client's two threads deliver every event and answer.
 */
final class ZooKeeperBackend implements RegistryBackend {
  private static final Logger log = LoggerFactory.getLogger(ZooKeeperBackend.class);

  private final String connectString;
  private final String basePath;
  private final int sessionTimeoutMillis;
  private final Clock clock;
  private final Credentials credentials;
  /** For the service nodes and instances. */
  private final List<ACL> acl;
  /** For the base path's nodes, which other users' services share: anyone may read them and create below. */
  private final List<ACL> baseAcl;
  private final Set<ZooKeeperWatch> watches = ConcurrentHashMap.newKeySet();
  /** The nodes this backend registered and has not deregistered, by path: created again in a new session. */
  private final Map<String, byte[]> registered = new ConcurrentHashMap<>();
  private final MalformedEntries malformed;
  private final Object clientLock = new Object();
  /** Guarded by {@link #clientLock}; replaced when its session expires. */
  private ZooKeeper zooKeeper;
  /** Guarded by {@link #clientLock}: the number of the current client; events of older ones are ignored. */
  private int clientNumber;
  /** Guarded by {@link #clientLock}: the session the current client last connected with, 0 before. */
  private long connectedSession;
  private volatile boolean outage;
  private volatile boolean closed;

  ZooKeeperBackend(String connectString, String basePath, Duration sessionTimeout, Clock clock, Credentials credentials,
                   int maxInstanceBytes) {
    this.connectString = connectString;
    this.basePath = basePath;
    this.sessionTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, sessionTimeout.toMillis());
    this.clock = clock;
    this.credentials = credentials;
    this.acl = credentials == null ? ZooDefs.Ids.OPEN_ACL_UNSAFE : ZooDefs.Ids.CREATOR_ALL_ACL;
    // A mutable list: ZooKeeper checks acl.contains(null), which an immutable list refuses with an exception.
    this.baseAcl = credentials == null ? ZooDefs.Ids.OPEN_ACL_UNSAFE : new java.util.ArrayList<>(List.of(
        new ACL(ZooDefs.Perms.READ | ZooDefs.Perms.CREATE, ZooDefs.Ids.ANYONE_ID_UNSAFE), ZooDefs.Ids.CREATOR_ALL_ACL.get(0)));
    this.malformed = new MalformedEntries("ZooKeeper", maxInstanceBytes);
    synchronized (clientLock) {
      zooKeeper = connect();
    }
  }

  /** Starts connecting a new client; returns at once (it connects in the background). Caller holds the lock. */
  private ZooKeeper connect() {
    int number = ++clientNumber;
    connectedSession = 0;
    ZooKeeper zk;
    try {
      zk = new ZooKeeper(connectString, sessionTimeoutMillis, event -> sessionEvent(number, event));
    } catch (IOException e) {
      throw new IllegalArgumentException("invalid ZooKeeper connect string '" + connectString + "': " + e.getMessage(), e);
    }
    if (credentials != null) {
      zk.addAuthInfo("digest", (credentials.user() + ":" + credentials.password()).getBytes(StandardCharsets.UTF_8));
    }
    return zk;
  }

  private void sessionEvent(int number, WatchedEvent event) {
    if (event.getType() != Watcher.Event.EventType.None || closed) {
      return;
    }
    switch (event.getState()) {
      case SyncConnected -> connected(number);
      case Disconnected -> {
        if (!outage) {
          outage = true;
          log.warn("lost the connection to ZooKeeper at {}; views are served stale and the client reconnects", connectString);
        }
        failWatches(new RegistryUnavailableException("disconnected from ZooKeeper at " + connectString));
      }
      case Expired -> expired(number);
      case AuthFailed -> log.warn("ZooKeeper at {} refused the credentials of {}", connectString, who());
      default -> {
      }
    }
  }

  private void connected(int number) {
    ZooKeeper zk;
    boolean newSession;
    synchronized (clientLock) {
      if (closed || number != clientNumber) {
        return;
      }
      zk = zooKeeper;
      newSession = connectedSession != zk.getSessionId();
      connectedSession = zk.getSessionId();
    }
    if (outage) {
      outage = false;
      log.info("connected to ZooKeeper at {} again", connectString);
    }
    if (newSession && number > 1) {
      createAgain(zk);
    }
  }

  private void expired(int number) {
    ZooKeeper dead;
    synchronized (clientLock) {
      if (closed || number != clientNumber) {
        return; // an event of a client already replaced
      }
      dead = zooKeeper;
      log.warn("ZooKeeper session 0x{} expired; opening a new one, in which {} registered node(s) are created again",
          Long.toHexString(dead.getSessionId()), registered.size());
      zooKeeper = connect();
    }
    failWatches(new RegistryUnavailableException("ZooKeeper session expired"));
    closeQuietly(dead); // on the dead client's own event thread, after the new one is on its way: this takes a second
  }

  /**
   * Creates every registered node in the new session of {@code zk}, in the background: a session
   * runs its requests in order, so each parent exists before its node. A node that exists already
   * (another session's) is left to the next renewal, which replaces it.
   */
  private void createAgain(ZooKeeper zk) {
    Set<String> services = new HashSet<>();
    registered.forEach((path, data) -> {
      String service = path.substring(0, path.lastIndexOf('/'));
      if (services.add(service)) {
        for (String parent : parents(service)) {
          zk.create(parent, new byte[0], aclFor(parent, service), CreateMode.CONTAINER, (rc, p, ctx, name) -> { }, null);
        }
      }
      zk.create(path, data, acl, CreateMode.EPHEMERAL, (AsyncCallback.Create2Callback) (rc, p, ctx, name, stat) -> {
        KeeperException.Code code = KeeperException.Code.get(rc);
        if (code == KeeperException.Code.OK && !registered.containsKey(path)) {
          zk.delete(path, stat.getVersion(), (rc2, p2, ctx2) -> { }, null); // deregistered meanwhile
        } else if (code != KeeperException.Code.OK) {
          log.debug("could not create {} again ({}); the next renewal registers it", path, code);
        }
      }, null);
    });
  }

  /** The ACL of {@code node}, the service node {@code service} or one of the base path's nodes above it. */
  private List<ACL> aclFor(String node, String service) {
    return node.equals(service) ? acl : baseAcl;
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

  /** The base path's children that have children: one read of the base path, then one per service node. */
  @Override
  public java.util.SortedSet<String> services() {
    ZooKeeper zk = client();
    java.util.SortedSet<String> names = new java.util.TreeSet<>();
    try {
      for (String child : zk.getChildren(basePath, false)) {
        try {
          if (!zk.getChildren(servicePath(child), false).isEmpty()) {
            names.add(child);
          }
        } catch (KeeperException.NoNodeException gone) {
          // removed between the two reads
        }
      }
    } catch (KeeperException.NoNodeException empty) {
      return names;
    } catch (KeeperException e) {
      throw new RegistryUnavailableException("ZooKeeper could not list the services under " + basePath + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryUnavailableException("interrupted while listing the services under " + basePath, e);
    }
    return names;
  }

  String servicePath(String service) {
    return basePath + "/" + service;
  }

  private String path(ServiceInstance instance) {
    return servicePath(instance.service()) + "/" + instance.id();
  }

  /** {@code /a}, {@code /a/b}, ... up to and with {@code path}. */
  private static List<String> parents(String path) {
    List<String> result = new java.util.ArrayList<>();
    for (int slash = path.indexOf('/', 1); slash != -1; slash = path.indexOf('/', slash + 1)) {
      result.add(path.substring(0, slash));
    }
    result.add(path);
    return result;
  }

  /** Room for the create request's path, ACL and framing next to the node's data. */
  private static final int REQUEST_OVERHEAD = 1024;

  /**
   * Refuses an instance larger than the views' limit, or whose node would exceed
   * {@code jute.maxbuffer} (1 MB by default, as the client reads it): the server drops the
   * connection on such a request, so every retry would fail.
   */
  @Override
  public void validate(ServiceInstance instance) {
    int limit = Integer.getInteger("jute.maxbuffer", 0xfffff);
    // The largest registration time a node can carry, and the path in bytes, as views measure it.
    int size = CuratorInstanceCodec.write(instance, Long.MAX_VALUE).length
        + path(instance).getBytes(StandardCharsets.UTF_8).length;
    IllegalArgumentException tooLarge = malformed.refusal(instance.service(), instance.id(), size);
    if (tooLarge != null) {
      throw tooLarge;
    }
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
          String service = servicePath(instance.service());
          for (String parent : parents(service)) {
            createParent(zk, parent, aclFor(parent, service));
          }
          zk.create(path, data, acl, CreateMode.EPHEMERAL);
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
    } catch (KeeperException.NoAuthException e) {
      throw new RegistrationRejectedException("ZooKeeper refused to create " + path + " for "
          + who()
          + " (" + e.code() + "): give credentials that may create nodes under " + basePath);
    } catch (KeeperException e) {
      throw unavailable("could not create " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryUnavailableException("interrupted while registering " + path);
    }
    registered.put(path, data);
    return new Lease(instance, path);
  }

  private static void createParent(ZooKeeper zk, String path, List<ACL> acl) throws KeeperException, InterruptedException {
    try {
      zk.create(path, new byte[0], acl, CreateMode.CONTAINER);
    } catch (KeeperException.NodeExistsException exists) {
      // already there
    }
  }

  private static void deleteIfExists(ZooKeeper zk, String path) throws KeeperException, InterruptedException {
    try {
      zk.delete(path, -1);
    } catch (KeeperException.NoNodeException gone) {
      // someone else removed it
    }
  }

  /** Writes {@code changed} into our node, which keeps its session. */
  @Override
  public Lease update(Lease lease, ServiceInstance changed, Duration ttl) {
    ZooKeeper zk = client();
    String path = path(changed);
    byte[] data = CuratorInstanceCodec.write(changed, clock.millis());
    try {
      Stat stat = zk.exists(path, false);
      if (stat == null) {
        throw new LeaseLostException("node " + path + " was deleted");
      }
      if (stat.getEphemeralOwner() != zk.getSessionId()) {
        throw new LeaseLostException("node " + path + " belongs to another session");
      }
      zk.setData(path, data, stat.getVersion());
    } catch (KeeperException.NoNodeException e) {
      throw new LeaseLostException("node " + path + " was deleted");
    } catch (KeeperException e) {
      throw unavailable("could not update " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryUnavailableException("interrupted while updating " + path);
    }
    registered.put(path, data);
    return new Lease(changed, path);
  }

  @Override
  public void renew(Lease lease) {
    ZooKeeper zk = client();
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
    if (stat.getEphemeralOwner() != zk.getSessionId()) {
      throw new LeaseLostException("node " + path + " belongs to another session");
    }
  }

  @Override
  public void deregister(Lease lease) {
    ZooKeeper zk = client();
    String path = path(lease.instance());
    registered.remove(path);
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
    watch.start();
    return watch::close;
  }

  void forget(ZooKeeperWatch watch) {
    watches.remove(watch);
  }

  /** The watches started and not yet ended or closed; for tests. */
  int openWatches() {
    return watches.size();
  }

  /** Decodes an instance node, or returns null after logging it once when it is malformed or too large. */
  ServiceInstance decode(String service, String id, byte[] data, long modifiedZxid) {
    String path = servicePath(service) + "/" + id;
    String version = Long.toHexString(modifiedZxid);
    if (malformed.tooLarge(path, version, (long) data.length + path.getBytes(StandardCharsets.UTF_8).length)) {
      return null;
    }
    try {
      return CuratorInstanceCodec.read(service, id, data);
    } catch (IllegalArgumentException e) {
      malformed.skipped(path, version, e.getMessage());
      return null;
    }
  }

  /** Logs once that a node could not be read ({@code NoAuth}: created by another user) and skips it. */
  void unreadable(String path, KeeperException.Code code) {
    malformed.skipped(path, "-", "not readable by "
        + who() + " (" + code + ")");
  }

  private String who() {
    return credentials == null ? "a client without credentials" : "user '" + credentials.user() + "'";
  }

  static RegistryUnavailableException unavailable(String what, KeeperException e) {
    return new RegistryUnavailableException("ZooKeeper: " + what + ": " + e.getMessage(), e);
  }

  /** The current session's id and password; for tests that expire it. */
  SessionCredentials session() {
    ZooKeeper zk = client();
    return new SessionCredentials(zk.getSessionId(), zk.getSessionPasswd());
  }

  /** How many ZooKeeper clients this backend opened; for tests. */
  int clientsOpened() {
    synchronized (clientLock) {
      return clientNumber;
    }
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
