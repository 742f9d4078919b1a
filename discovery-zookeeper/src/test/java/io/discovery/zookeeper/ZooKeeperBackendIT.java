package io.discovery.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import io.discovery.client.RegistrationState;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import io.discovery.client.etcd.RegisterUntilKilled;
import io.discovery.client.spi.BackendContext;
import io.discovery.testing.ManualScheduler;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.zookeeper.discovery.ZookeeperInstance;

/** The ZooKeeper backend against a real ZooKeeper server in this JVM, with Curator as a peer. */
class ZooKeeperBackendIT extends InProcessZooKeeper {
  private String uri() {
    return server.uri() + "/services";
  }

  private DiscoveryClient client(Duration ttl) {
    DiscoveryClient client = DiscoveryClient.builder().registry(uri()).ttl(ttl)
        .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(500)).withoutShutdownHook().build();
    toClose.add(client);
    return client;
  }

  private <T> ServiceDiscovery<T> curator(Class<T> payload) throws Exception {
    CuratorFramework framework = CuratorFrameworkFactory.newClient(server.connectString(), 10_000, 5_000, new RetryOneTime(100));
    framework.start();
    toClose.add(framework);
    assertThat(framework.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
    ServiceDiscovery<T> discovery = ServiceDiscoveryBuilder.builder(payload).client(framework).basePath("/services")
        .serializer(new JsonInstanceSerializer<>(payload)).build();
    discovery.start();
    toClose.add(discovery);
    return discovery;
  }

  @Test
  void servicesAreTheBasePathsChildrenWithInstancesCuratorsIncluded() throws Exception {
    DiscoveryClient client = DiscoveryClient.builder().registry(server.uri() + "/listing").ttl(TTL).withoutShutdownHook().build();
    toClose.add(client);
    assertThat(client.services()).as("no base path yet").isEmpty();
    Registration registration = client.register(ServiceInstance.of(service, "10.1.2.3:8888"));
    assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    CuratorFramework framework = CuratorFrameworkFactory.newClient(server.connectString(), 10_000, 5_000, new RetryOneTime(100));
    framework.start();
    toClose.add(framework);
    assertThat(framework.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
    ServiceDiscovery<Void> curator = ServiceDiscoveryBuilder.builder(Void.class).client(framework).basePath("/listing").build();
    curator.start();
    toClose.add(curator);
    curator.registerService(org.apache.curator.x.discovery.ServiceInstance.<Void>builder().name("curator-one").address("10.0.0.9")
        .port(80).build());

    // another session's write: ZooKeeper orders each session's own view, not what one session sees of another's
    await().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(client.services()).containsExactly("curator-one", service));

    registration.close();
    assertThat(client.services()).as("an empty service node is no service").containsExactly("curator-one");
  }

  @Test
  void registersAnEphemeralNodeThatCuratorReadsWithItsAddressPortAndMetadata() throws Exception {
    ServiceInstance instance = ServiceInstance.builder(service, "10.1.2.3:8888")
        .metadata("version", "2.1").zone("eu-1a").weight(3).build();
    Registration registration = client(TTL).register(instance);
    assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();

    Stat stat = rawClient().exists("/services/" + service + "/" + instance.id(), false);
    assertThat(stat).isNotNull();
    assertThat(stat.getEphemeralOwner()).as("ephemeral").isNotZero();

    Collection<org.apache.curator.x.discovery.ServiceInstance<ZookeeperInstance>> seen =
        curator(ZookeeperInstance.class).queryForInstances(service);
    assertThat(seen).hasSize(1);
    var peer = seen.iterator().next();
    assertThat(peer.getId()).isEqualTo(instance.id());
    assertThat(peer.getAddress()).isEqualTo("10.1.2.3");
    assertThat(peer.getPort()).isEqualTo(8888);
    assertThat(peer.getSslPort()).isNull();
    assertThat(peer.buildUriSpec()).isEqualTo("http://10.1.2.3:8888");
    assertThat(peer.getPayload().getName()).isEqualTo(service);
    assertThat(peer.getPayload().getMetadata()).containsEntry("version", "2.1").containsEntry("instance_status", "UP")
        .containsEntry("discovery.zone", "eu-1a").containsEntry("discovery.weight", "3");

    assertThat(client(TTL).service(service).instances()).containsExactly(instance);
  }

  @Test
  void seesInstancesThatCuratorRegisteredWithSpringMapOrNoPayload() throws Exception {
    curator(ZookeeperInstance.class).registerService(org.apache.curator.x.discovery.ServiceInstance.<ZookeeperInstance>builder()
        .name(service).id("spring-1").address("10.0.0.1").port(8080)
        .payload(new ZookeeperInstance("spring-1", service, Map.of("instance_status", "UP", "version", "1"))).build());
    @SuppressWarnings({"rawtypes", "unchecked"})
    ServiceDiscovery<Map> maps = curator(Map.class);
    maps.registerService(org.apache.curator.x.discovery.ServiceInstance.<Map>builder()
        .name(service).id("map-1").address("10.0.0.2").sslPort(8443).payload(Map.of("team", "blue")).build());
    curator(Void.class).registerService(org.apache.curator.x.discovery.ServiceInstance.<Void>builder()
        .name(service).id("none-1").address("host-3.internal").port(9000).build());

    ServiceView view = client(TTL).service(service);
    await().atMost(Duration.ofSeconds(10)).until(() -> view.instances().size() == 3);

    assertThat(view.instances()).containsExactly(
        ServiceInstance.builder(service, "10.0.0.2:8443").id("map-1").secure().metadata("team", "blue").build(),
        ServiceInstance.builder(service, "host-3.internal:9000").id("none-1").build(),
        ServiceInstance.builder(service, "10.0.0.1:8080").id("spring-1").metadata("version", "1").build());
  }

  @Test
  void removalIsSeenBothWays() throws Exception {
    ServiceDiscovery<ZookeeperInstance> curator = curator(ZookeeperInstance.class);
    var theirs = org.apache.curator.x.discovery.ServiceInstance.<ZookeeperInstance>builder()
        .name(service).id("theirs").address("10.0.0.9").port(80).payload(new ZookeeperInstance("theirs", service, Map.of())).build();
    curator.registerService(theirs);
    Registration ours = client(Duration.ofSeconds(30)).register(service, "10.0.0.1:80");
    ServiceView view = client(TTL).service(service);
    await().atMost(Duration.ofSeconds(10)).until(() -> view.instances().size() == 2);
    assertThat(curator.queryForInstances(service)).hasSize(2);

    ours.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> curator.queryForInstances(service).size() == 1);
    curator.unregisterService(theirs);
    await().atMost(Duration.ofSeconds(5)).until(() -> view.instances().isEmpty());
  }

  @Test
  void outOfServiceInstancesStayOutOfTheView() throws Exception {
    ServiceDiscovery<ZookeeperInstance> curator = curator(ZookeeperInstance.class);
    var instance = org.apache.curator.x.discovery.ServiceInstance.<ZookeeperInstance>builder()
        .name(service).id("draining").address("10.0.0.1").port(80)
        .payload(new ZookeeperInstance("draining", service, Map.of("instance_status", "OUT_OF_SERVICE"))).build();
    curator.registerService(instance);
    Registration ours = client(TTL).register(service, "10.0.0.2:80");
    assertThat(ours.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    ServiceView view = client(TTL).service(service);
    assertThat(view.instances()).containsExactly(ours.instance());

    instance.getPayload().setMetadata(Map.of("instance_status", "UP"));
    curator.updateService(instance);
    await().atMost(Duration.ofSeconds(5)).until(() -> view.instances().size() == 2);
  }

  @Test
  void ourOutOfServiceIsWhatSpringCloudAndCuratorPeersReadAndItLeavesOurViews() throws Exception {
    Registration draining = client(TTL).register(service, "10.0.0.1:80");
    Registration other = client(TTL).register(service, "10.0.0.2:80");
    assertThat(draining.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    assertThat(other.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    ServiceView view = client(TTL).service(service);
    await().atMost(Duration.ofSeconds(5)).until(() -> view.instances().size() == 2);
    long owner = rawClient().exists("/services/" + service + "/" + draining.instance().id(), false).getEphemeralOwner();

    assertThat(draining.setOutOfService(true)).isTrue();

    await().atMost(Duration.ofSeconds(5)).until(() -> view.instances().equals(List.of(other.instance())));
    var peer = curator(ZookeeperInstance.class).queryForInstance(service, draining.instance().id());
    assertThat(peer.getPayload().getMetadata()).containsEntry("instance_status", "OUT_OF_SERVICE");
    assertThat(peer.isEnabled()).isFalse();
    assertThat(rawClient().exists("/services/" + service + "/" + draining.instance().id(), false).getEphemeralOwner())
        .as("the same ephemeral node, in the same session").isEqualTo(owner);

    assertThat(draining.setOutOfService(false)).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> view.instances().size() == 2);
    peer = curator(ZookeeperInstance.class).queryForInstance(service, draining.instance().id());
    assertThat(peer.getPayload().getMetadata()).containsEntry("instance_status", "UP");
    assertThat(peer.isEnabled()).isTrue();
  }

  @Test
  void changesReachAViewWhoseClientNeverRunsAScheduledTask() throws Exception {
    ManualScheduler frozen = new ManualScheduler();
    DiscoveryClient watcher = DiscoveryClient.builder().registry(uri()).scheduler(frozen).withoutShutdownHook().build();
    toClose.add(watcher);
    ServiceView view = watcher.service(service);
    assertThat(view.instances()).isEmpty();

    Registration registration = client(TTL).register(service, "10.0.0.1:80");

    // Time stands still for the watching client: only the registry's push can bring the change.
    await().atMost(Duration.ofSeconds(5)).until(() -> view.instances().size() == 1);
    registration.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> view.instances().isEmpty());
    assertThat(frozen.pending()).isZero();
  }

  @Test
  void malformedNodesAreLoggedAndSkipped() throws Exception {
    Registration registration = client(TTL).register(service, "10.0.0.1:80");
    assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    ZooKeeper raw = rawClient();
    raw.create("/services/" + service + "/garbage", "not json".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    raw.create("/services/" + service + "/empty", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    raw.create("/services/" + service + "/bad-port", "{\"address\":\"10.0.0.5\",\"port\":70000}".getBytes(StandardCharsets.UTF_8),
        ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

    ServiceView view = client(TTL).service(service);

    assertThat(view.instances()).containsExactly(registration.instance());
    assertThat(view.snapshot().stale()).isFalse();
  }

  @Test
  void anExpiredSessionHasItsNodesCreatedAgain() throws Exception {
    ZooKeeperBackend backend = (ZooKeeperBackend) new ZooKeeperBackendFactory()
        .create(URI.create(uri()), new BackendContext(null, TTL));
    DiscoveryClient client = DiscoveryClient.builder().backend(backend).ttl(TTL)
        .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(500)).withoutShutdownHook().build();
    toClose.add(client);
    Registration registration = client.register(service, "10.0.0.1:80");
    assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    String path = "/services/" + service + "/" + registration.instance().id();
    ZooKeeper raw = rawClient();
    long firstOwner = raw.exists(path, false).getEphemeralOwner();
    ServiceView view = client(TTL).service(service);

    expire(backend);

    await().atMost(Duration.ofSeconds(15)).until(() -> {
      Stat stat = raw.exists(path, false);
      return stat != null && stat.getEphemeralOwner() != firstOwner;
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> registration.state() == RegistrationState.REGISTERED
        && view.instances().equals(List.of(registration.instance())));
  }

  @Test
  void afterASessionExpiryTheNodeIsCreatedAgainAtOnceNotAtTheNextHeartbeat() throws Exception {
    ZooKeeperBackend backend = (ZooKeeperBackend) new ZooKeeperBackendFactory()
        .create(URI.create(uri()), new BackendContext(null, TTL));
    ManualScheduler frozen = new ManualScheduler();
    DiscoveryClient client = DiscoveryClient.builder().backend(backend).ttl(TTL).scheduler(frozen)
        .withoutShutdownHook().build();
    toClose.add(client);
    Registration registration = client.register(service, "10.0.0.1:80");
    frozen.runDue(); // the first attempt; no renewal runs after this: time stands still
    assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERED);
    ServiceView ownView = client.service(service); // a view on the same backend, as a service calling itself has
    String path = "/services/" + service + "/" + registration.instance().id();
    ZooKeeper raw = rawClient();
    long firstOwner = raw.exists(path, false).getEphemeralOwner();

    expire(backend);

    await().atMost(Duration.ofSeconds(15)).until(() -> {
      Stat stat = raw.exists(path, false);
      return stat != null && stat.getEphemeralOwner() != firstOwner;
    });
    assertThat(frozen.nanos()).as("no scheduled task ran").isZero();
    await().atMost(Duration.ofSeconds(5)).until(() -> { // the view's new watch waits for its backoff
      frozen.advance(Duration.ofMillis(100));
      return !ownView.snapshot().stale();
    });
    assertThat(ownView.instances()).containsExactly(registration.instance());
    assertThat(backend.clientsOpened()).as("one new client per expiry").isEqualTo(2);
  }

  private void expire(ZooKeeperBackend backend) throws Exception {
    ZooKeeperSessions.expire(server.connectString(), backend);
  }

  @Test
  void aNodeOverTheSizeLimitIsSkippedByViews() throws Exception {
    Registration registration = client(TTL).register(service, "10.0.0.1:80");
    assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    ServiceView view = client(TTL).service(service);
    String large = "{\"name\":\"" + service + "\",\"id\":\"large\",\"address\":\"10.0.0.2\",\"port\":80,\"payload\":"
        + "{\"metadata\":{\"blob\":\"" + "x".repeat(100_000) + "\"}}}";
    rawClient().create("/services/" + service + "/large", large.getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE,
        CreateMode.EPHEMERAL);
    Registration after = client(TTL).register(service, "10.0.0.3:80");

    await().atMost(Duration.ofSeconds(5)).until(() -> view.instances().size() == 2);
    assertThat(view.instances()).containsExactly(registration.instance(), after.instance());
    DiscoveryClient largerLimit = DiscoveryClient.builder().registry(uri()).maxInstanceBytes(200_000).withoutShutdownHook().build();
    toClose.add(largerLimit);
    ServiceView larger = largerLimit.service(service);
    assertThat(larger.instances()).as("a larger limit lets it in").hasSize(3);
  }

  @Test
  void withCredentialsOurNodesAreForThatUserOnlyAndCuratorWithTheSameCredentialsReadsThem() throws Exception {
    String secured = server.uri().replace("zookeeper://", "zookeeper://app:S3cret@") + "/secured";
    DiscoveryClient app = DiscoveryClient.builder().registry(secured).ttl(TTL).withoutShutdownHook().build();
    toClose.add(app);
    Registration registration = app.register(service, "10.0.0.1:80");
    assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    String path = "/secured/" + service + "/" + registration.instance().id();

    ZooKeeper anonymous = rawClient();
    assertThatThrownBy(() -> anonymous.delete(path, -1)).isInstanceOf(KeeperException.NoAuthException.class);
    assertThatThrownBy(() -> anonymous.setData(path, new byte[0], -1)).isInstanceOf(KeeperException.NoAuthException.class);
    assertThatThrownBy(() -> anonymous.getData(path, false, null)).isInstanceOf(KeeperException.NoAuthException.class);
    ZooKeeper otherUser = rawClient();
    otherUser.addAuthInfo("digest", "other:pw".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> otherUser.delete(path, -1)).isInstanceOf(KeeperException.NoAuthException.class);
    otherUser.create("/secured/theirs", new byte[0], ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT); // the base path is shared

    CuratorFramework framework = CuratorFrameworkFactory.builder().connectString(server.connectString())
        .authorization("digest", "app:S3cret".getBytes(StandardCharsets.UTF_8)).retryPolicy(new RetryOneTime(100)).build();
    framework.start();
    toClose.add(framework);
    ServiceDiscovery<ZookeeperInstance> curator = ServiceDiscoveryBuilder.builder(ZookeeperInstance.class).client(framework)
        .basePath("/secured").serializer(new JsonInstanceSerializer<>(ZookeeperInstance.class)).build();
    curator.start();
    toClose.add(curator);
    assertThat(curator.queryForInstances(service)).extracting(i -> i.getAddress() + ":" + i.getPort())
        .containsExactly("10.0.0.1:80");
    assertThat(app.service(service).instances()).containsExactly(registration.instance());
  }

  @Test
  void aServerOutageKeepsTheViewServedStaleUntilTheSessionIsBack() throws Exception {
    Registration registration = client(Duration.ofSeconds(20)).register(service, "10.0.0.1:80");
    assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    ServiceView view = client(Duration.ofSeconds(20)).service(service);
    assertThat(view.instances()).hasSize(1);

    server.stop();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> view.snapshot().stale());
      assertThat(view.instances()).as("the last instances stay in use").containsExactly(registration.instance());
    } finally {
      server.restart();
    }

    await().atMost(Duration.ofSeconds(20)).until(() -> !view.snapshot().stale());
    assertThat(view.instances()).containsExactly(registration.instance());
    await().atMost(Duration.ofSeconds(10)).until(() -> registration.state() == RegistrationState.REGISTERED);
  }

  @Test
  void closeDeletesTheNodeAtOnce() throws Exception {
    Registration registration = client(Duration.ofSeconds(30)).register(service, "10.0.0.1:80");
    ServiceView view = client(TTL).service(service);
    await().atMost(Duration.ofSeconds(10)).until(() -> view.instances().size() == 1);

    registration.close();

    await().atMost(Duration.ofSeconds(2)).until(() -> view.instances().isEmpty());
  }

  @Test
  void aKilledProcessesNodeVanishesAtSessionTimeout() throws Exception {
    Process child = new ProcessBuilder(
        new File(System.getProperty("java.home"), "bin/java").getPath(),
        "-cp", System.getProperty("java.class.path"),
        RegisterUntilKilled.class.getName(), uri(), service, "10.0.0.1:80", "2")
        .redirectErrorStream(true)
        .start();
    toClose.add(child::destroyForcibly);
    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.equals("REGISTERED")) {
      // the child's log
    }
    assertThat(line).isEqualTo("REGISTERED");
    ServiceView view = client(TTL).service(service);
    assertThat(view.instances()).hasSize(1);

    long killedAt = System.nanoTime();
    child.destroyForcibly(); // SIGKILL: no shutdown hook, no deregistration
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

    await().atMost(Duration.ofSeconds(10)).until(() -> view.instances().isEmpty());
    assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).as("gone by session expiry, not at once")
        .isGreaterThan(Duration.ofMillis(1000));
  }
}
