package io.discovery.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import io.discovery.client.Stderr;
import io.discovery.client.spi.BackendContext;
import io.discovery.client.spi.Lease;
import io.discovery.client.spi.LeaseLostException;
import io.discovery.client.spi.WatchHandle;
import io.discovery.client.spi.WatchListener;
import io.discovery.client.RegistryUnavailableException;
import io.discovery.client.SilentProxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

/** The ZooKeeper backend at its edges, called directly, against a real ZooKeeper server in this JVM. */
class ZooKeeperEdgesIT extends InProcessZooKeeper {
  private ZooKeeperBackend backend(int maxInstanceBytes) {
    ZooKeeperBackend backend = (ZooKeeperBackend) new ZooKeeperBackendFactory()
        .create(URI.create(server.uri() + "/services"), new BackendContext(null, TTL, maxInstanceBytes));
    toClose.add(backend);
    return backend;
  }

  @Test
  void aRenewalTellsADeletedNodeFromAnotherSessionsAndRegisterTakesTheNodeBack() throws Exception {
    ZooKeeperBackend backend = backend(BackendContext.DEFAULT_MAX_INSTANCE_BYTES);
    ServiceInstance instance = ServiceInstance.of(service, "10.0.0.1:80");
    Lease lease = backend.register(instance, TTL);
    backend.renew(lease);
    ZooKeeper raw = rawClient();
    String path = lease.id();

    raw.delete(path, -1);
    assertThatThrownBy(() -> backend.renew(lease)).isInstanceOf(LeaseLostException.class).hasMessageContaining("was deleted");
    assertThatThrownBy(() -> backend.update(lease, instance, TTL)).isInstanceOf(LeaseLostException.class)
        .hasMessageContaining("was deleted");

    raw.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
    assertThatThrownBy(() -> backend.renew(lease)).isInstanceOf(LeaseLostException.class)
        .hasMessageContaining("belongs to another session");
    assertThatThrownBy(() -> backend.update(lease, instance, TTL)).isInstanceOf(LeaseLostException.class)
        .hasMessageContaining("belongs to another session");

    Lease again = backend.register(instance, TTL);
    long owner = raw.exists(path, false).getEphemeralOwner();
    assertThat(owner).as("replaced, as Curator does").isNotEqualTo(raw.getSessionId()).isNotZero();
    backend.renew(again);
    assertThat(CuratorInstanceCodec.read(service, instance.id(), raw.getData(path, false, null))).isEqualTo(instance);
  }

  @Test
  void aNodeExactlyAtTheSizeLimitIsReadAndOneByteMoreIsSkippedAndSaid() {
    ZooKeeperBackend backend = backend(1000);
    String path = "/services/" + service + "/";
    String exact = node(1000 - (path + "exact").getBytes(StandardCharsets.UTF_8).length);
    String over = node(1001 - (path + "over").getBytes(StandardCharsets.UTF_8).length);

    assertThat(backend.decode(service, "exact", exact.getBytes(StandardCharsets.UTF_8), 7)).isNotNull();
    String log = Stderr.capture(() ->
        assertThat(backend.decode(service, "over", over.getBytes(StandardCharsets.UTF_8), 8)).isNull());
    assertThat(log).contains(path + "over").contains("1001 bytes, more than the limit of 1000");
    String malformed = Stderr.capture(() ->
        assertThat(backend.decode(service, "bad", "{\"port\":80}".getBytes(StandardCharsets.UTF_8), 9)).isNull());
    assertThat(malformed).contains(path + "bad").contains("field 'address' must be a string");
  }

  /** A Curator node of exactly {@code bytes} bytes, padded in its metadata. */
  private static String node(int bytes) {
    String head = "{\"address\":\"10.0.0.9\",\"port\":80,\"payload\":{\"metadata\":{\"pad\":\"";
    String tail = "\"}}}";
    return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
  }

  @Test
  void theJuteLimitIsTheNodeAndItsPathPlusOneKibibyteOfRequest() {
    ZooKeeperBackend backend = backend(4 << 20);
    ServiceInstance instance = ServiceInstance.builder(service, "10.0.0.1:80").metadata("blob", "x".repeat(5000)).build();
    int size = CuratorInstanceCodec.write(instance, Long.MAX_VALUE).length
        + ("/services/" + service + "/" + instance.id()).getBytes(StandardCharsets.UTF_8).length;
    String before = System.getProperty("jute.maxbuffer");
    try {
      System.setProperty("jute.maxbuffer", Integer.toString(size + 1024));
      backend.validate(instance);

      System.setProperty("jute.maxbuffer", Integer.toString(size + 1023));
      assertThatThrownBy(() -> backend.validate(instance)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("takes " + size + " bytes as a ZooKeeper node")
          .hasMessageContaining("at most " + (size + 1023) + " bytes (jute.maxbuffer)");
    } finally {
      if (before == null) {
        System.clearProperty("jute.maxbuffer");
      } else {
        System.setProperty("jute.maxbuffer", before);
      }
    }
  }

  @Test
  void afterASessionExpiryAViewOfTheSameBackendSeesChangesMadeAfterIt() throws Exception {
    ZooKeeperBackend backend = backend(BackendContext.DEFAULT_MAX_INSTANCE_BYTES);
    DiscoveryClient client = DiscoveryClient.builder().backend(backend).ttl(TTL)
        .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(500)).withoutShutdownHook().build();
    toClose.add(client);
    ServiceView view = client.service(service);
    DiscoveryClient other = DiscoveryClient.builder().registry(server.uri() + "/services").ttl(TTL).withoutShutdownHook().build();
    toClose.add(other);
    Registration first = other.register(service, "10.0.0.1:80");
    await().atMost(Duration.ofSeconds(10)).until(() -> view.instances().size() == 1);

    ZooKeeperSessions.expire(server.connectString(), backend);
    Registration second = other.register(service, "10.0.0.2:80");

    await("the view's watch moved to the new session").atMost(Duration.ofSeconds(15))
        .until(() -> view.instances().size() == 2 && !view.snapshot().stale());
    first.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> view.instances().equals(List.of(second.instance())));
  }

  @Test
  void aNodeThisClientMayNotReadIsSkippedAndSaidAndTheRestIsServed() throws Exception {
    DiscoveryClient owner = DiscoveryClient.builder().registry(server.uri() + "/services").ttl(TTL).withoutShutdownHook().build();
    toClose.add(owner);
    Registration readable = owner.register(service, "10.0.0.1:80");
    assertThat(readable.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    ZooKeeper other = rawClient();
    other.addAuthInfo("digest", "someone:secret".getBytes(StandardCharsets.UTF_8));
    other.create("/services/" + service + "/private", node(200).getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.CREATOR_ALL_ACL,
        CreateMode.EPHEMERAL);
    DiscoveryClient reader = DiscoveryClient.builder().registry(server.uri() + "/services").withoutShutdownHook().build();
    toClose.add(reader);

    String log = Stderr.capture(() -> {
      ServiceView view = reader.service(service);
      await().atMost(Duration.ofSeconds(10)).until(() -> !view.snapshot().stale());
      assertThat(view.instances()).containsExactly(readable.instance());
    });

    assertThat(log).contains("/services/" + service + "/private")
        .contains("not readable by a client without credentials (NOAUTH)");
  }

  @Test
  void closingTheBackendEndsItsZooKeeperClientsThreads() {
    java.util.Set<Thread> before = java.util.Set.copyOf(Thread.getAllStackTraces().keySet());
    ZooKeeperBackend backend = backend(BackendContext.DEFAULT_MAX_INSTANCE_BYTES);
    backend.register(ServiceInstance.of(service, "10.0.0.1:80"), TTL);
    assertThat(zooKeeperThreadsSince(before)).as("a send and an event thread").hasSizeGreaterThanOrEqualTo(2);

    backend.close();

    await().atMost(Duration.ofSeconds(10)).pollInSameThread().until(() -> zooKeeperThreadsSince(before).isEmpty());
  }

  private static List<String> zooKeeperThreadsSince(java.util.Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !before.contains(t)).map(Thread::getName)
        .filter(n -> n.contains("SendThread(") || n.contains("EventThread")).toList();
  }

  /** What a watch was told, in order. */
  private static final class Told implements WatchListener {
    final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void onInstances(List<ServiceInstance> instances, long revision) {
      events.add("instances " + instances.size());
    }

    @Override
    public void onChanges(Collection<ServiceInstance> upserted, Collection<String> removedIds, long revision) {
      events.add("changes +" + upserted.size() + " -" + removedIds.size());
    }

    @Override
    public void onFailure(Throwable error) {
      events.add("failure " + error.getClass().getSimpleName() + ": " + error.getMessage());
    }
  }

  @Test
  void aClosedWatchLeavesNoWatchInTheBackendOrItsZooKeeperClient() throws Exception {
    ZooKeeperBackend backend = backend(BackendContext.DEFAULT_MAX_INSTANCE_BYTES);
    Told told = new Told();
    WatchHandle handle = backend.watch(service, told);
    await().atMost(Duration.ofSeconds(10)).until(() -> told.events.size() == 1);
    String path = "/services/" + service;
    assertThat(recursiveWatches(backend.client())).contains(path);
    assertThat(backend.openWatches()).isEqualTo(1);

    handle.close();

    assertThat(backend.openWatches()).isZero();
    await("ZooKeeper confirmed the removal").atMost(Duration.ofSeconds(10))
        .until(() -> !recursiveWatches(backend.client()).contains(path));
    assertThat(told.events).containsExactly("instances 0");
  }

  @Test
  void closingTheBackendEndsItsWatches() {
    ZooKeeperBackend backend = backend(BackendContext.DEFAULT_MAX_INSTANCE_BYTES);
    Told told = new Told();
    backend.watch(service, told);
    await().atMost(Duration.ofSeconds(10)).until(() -> told.events.size() == 1);
    assertThat(backend.openWatches()).isEqualTo(1);

    backend.close();

    assertThat(backend.openWatches()).isZero();
    assertThat(told.events).as("a close is not a failure").containsExactly("instances 0");
  }

  /** The paths {@code zk} holds recursive watches on: ZooKeeper keeps this list for tests, behind a protected method. */
  private static List<String> recursiveWatches(ZooKeeper zk) throws Exception {
    java.lang.reflect.Method method = ZooKeeper.class.getDeclaredMethod("getPersistentRecursiveWatches");
    method.setAccessible(true);
    @SuppressWarnings("unchecked")
    List<String> paths = (List<String>) method.invoke(zk);
    return paths;
  }

  @Test
  void aCallInterruptedWhileWaitingForZooKeeperSaysSoAndKeepsTheInterrupt() throws Exception {
    try (SilentProxy proxy = new SilentProxy(server.port())) {
      ZooKeeperBackend backend = (ZooKeeperBackend) new ZooKeeperBackendFactory().create(
          URI.create("zookeeper://127.0.0.1:" + proxy.port() + "/services"), new BackendContext(null, TTL,
          BackendContext.DEFAULT_MAX_INSTANCE_BYTES));
      toClose.add(backend);
      ServiceInstance instance = ServiceInstance.of(service, "10.0.0.1:80");
      Lease lease = backend.register(instance, TTL);
      proxy.silenceExisting(); // no answer can come back now, until the client gives the connection up

      List<Runnable> calls = List.of(
          () -> backend.register(ServiceInstance.of(service, "10.0.0.2:80"), TTL),
          () -> backend.renew(lease),
          () -> backend.update(lease, instance.toBuilder().metadata("k", "v").build(), TTL),
          () -> backend.services(),
          () -> backend.deregister(lease));
      List<String> said = new ArrayList<>();
      for (Runnable call : calls) {
        Thread.currentThread().interrupt();
        try {
          assertThatThrownBy(call::run).isInstanceOf(RegistryUnavailableException.class)
              .satisfies(e -> said.add(e.getMessage().substring(0, e.getMessage().indexOf(" /"))));
        } finally {
          assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
        }
      }
      assertThat(said).containsExactly("interrupted while registering", "interrupted while checking",
          "interrupted while updating", "interrupted while listing the services under",
          "interrupted while deleting");

      Told told = new Told();
      backend.watch(service, told);
      assertThatThrownBy(() -> backend.renew(lease)).as("a call waits until the client gives the connection up")
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessageStartingWith("ZooKeeper: could not check /services/" + service + "/")
          .hasMessageContaining("ConnectionLoss");
      await().atMost(Duration.ofSeconds(10)).until(() -> !told.events.isEmpty());
      assertThat(told.events.get(0)).as("the watch request's own failure, before the disconnect")
          .startsWith("failure RegistryUnavailableException: ZooKeeper: could not watch /services/" + service);
    }
  }
}
