package io.discovery.client.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import io.discovery.client.RegistrationState;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import io.discovery.client.SilentProxy;
import io.discovery.client.internal.InstanceCodec;
import io.discovery.testing.ManualScheduler;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The etcd backend against a real etcd server started by the test. */
class EtcdIT extends EtcdClients {
  private static final Duration TTL = Duration.ofSeconds(2);
  private static EtcdServer etcd;

  private String service;

  @BeforeAll
  static void startEtcd() {
    etcd = EtcdServer.start();
  }

  @AfterAll
  static void stopEtcd() {
    etcd.close();
  }

  private DiscoveryClient client(EtcdServer server, Duration ttl) {
    return client(server.uri(), ttl);
  }

  private EtcdGateway raw(EtcdServer server) {
    return new EtcdGateway(List.of(HttpUrl.get(server.endpoint())));
  }

  @BeforeEach
  void serviceName(TestInfo test) {
    service = test.getTestMethod().orElseThrow().getName().toLowerCase().substring(0, 20);
  }

  @Test
  void twoHundredRegistrationsOfOneClientShareOneLease() throws Exception {
    ServiceView view = client(etcd, TTL).service(service);
    JsonNode before = raw(etcd).post("/v3/lease/leases", EtcdGateway.JSON.createObjectNode()).body();
    DiscoveryClient client = client(etcd, TTL);
    long start = System.nanoTime();
    List<Registration> registrations = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      registrations.add(client.register(service, "10.0.2." + i + ":80"));
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> view.instances().size() == 200);
    long allSeen = System.nanoTime();

    JsonNode after = raw(etcd).post("/v3/lease/leases", EtcdGateway.JSON.createObjectNode()).body();
    assertThat(after.path("leases").size() - before.path("leases").size()).as("new leases on etcd").isEqualTo(1);
    assertThat(registrations).allMatch(r -> r.state() == RegistrationState.REGISTERED);
    org.slf4j.LoggerFactory.getLogger(EtcdIT.class).info("200 registrations of one client visible to a watcher {} ms after the"
        + " first register()", TimeUnit.NANOSECONDS.toMillis(allSeen - start));
  }

  @Test
  void registrationIsVisibleToAnotherClientUnderTheDocumentedKeyWithALease() throws Exception {
    Registration registration = client(etcd, TTL).register(service, "10.1.2.3:8888");
    assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();

    ServiceView view = client(etcd, TTL).service(service);
    assertThat(view.instances()).containsExactly(registration.instance());

    String key = "/services/" + service + "/" + registration.instance().id();
    JsonNode range = raw(etcd).post("/v3/kv/range", EtcdGateway.JSON.createObjectNode().put("key", EtcdGateway.base64(key))).body();
    JsonNode kv = range.path("kvs").get(0);
    assertThat(InstanceCodec.fromJson(EtcdGateway.fromBase64(kv.path("value").asText()))).isEqualTo(registration.instance());
    String lease = kv.path("lease").asText();
    assertThat(lease).isNotEmpty();
    JsonNode ttl = raw(etcd).post("/v3/lease/timetolive", EtcdGateway.JSON.createObjectNode().put("ID", lease)).body();
    assertThat(EtcdGateway.int64(ttl, "grantedTTL")).isEqualTo(TTL.toSeconds());
  }

  @Test
  void anInstanceOutOfServiceKeepsItsKeyAndLeaseAndLeavesAWatchingView() throws Exception {
    DiscoveryClient client = client(etcd, TTL);
    Registration draining = client.register(service, "10.1.2.3:8888");
    Registration other = client.register(service, "10.1.2.4:8888");
    assertThat(draining.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    assertThat(other.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    ServiceView view = client(etcd, TTL).service(service);
    await().atMost(Duration.ofSeconds(10)).until(() -> view.instances().size() == 2);
    String key = "/services/" + service + "/" + draining.instance().id();
    String lease = raw(etcd).post("/v3/kv/range", EtcdGateway.JSON.createObjectNode().put("key", EtcdGateway.base64(key)))
        .body().path("kvs").get(0).path("lease").asText();

    assertThat(draining.setOutOfService(true)).isTrue();

    await("the watch event takes it out").atMost(Duration.ofSeconds(10)).until(() -> view.instances().equals(List.of(other.instance())));
    JsonNode kv = raw(etcd).post("/v3/kv/range", EtcdGateway.JSON.createObjectNode().put("key", EtcdGateway.base64(key)))
        .body().path("kvs").get(0);
    assertThat(kv.path("lease").asText()).as("same lease").isEqualTo(lease);
    assertThat(InstanceCodec.fromJson(EtcdGateway.fromBase64(kv.path("value").asText())).metadata())
        .containsEntry("instance_status", "OUT_OF_SERVICE");

    assertThat(draining.setOutOfService(false)).isTrue();
    await("and back").atMost(Duration.ofSeconds(10)).until(() -> view.instances().size() == 2);
  }

  @Test
  void heartbeatKeepsTheInstanceRegisteredPastThreeTtls() throws Exception {
    Registration registration = client(etcd, TTL).register(service, "10.1.2.3:8888");
    assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    ServiceView view = client(etcd, TTL).service(service);

    await().during(TTL.multipliedBy(3).plusMillis(500)).atMost(TTL.multipliedBy(5))
        .until(() -> view.instances().size() == 1 && registration.state() == RegistrationState.REGISTERED);
  }

  @Test
  void closeRemovesTheInstanceAtOnceNotAfterItsTtl() throws Exception {
    Registration registration = client(etcd, Duration.ofSeconds(60)).register(service, "10.1.2.3:8888");
    ServiceView view = client(etcd, TTL).service(service);
    await().atMost(Duration.ofSeconds(10)).until(() -> view.instances().size() == 1);

    long start = System.nanoTime();
    registration.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> view.instances().isEmpty());

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aRegistrationWhoseHeartbeatStopsDisappearsAfterItsTtl() {
    ManualScheduler frozen = new ManualScheduler();
    DiscoveryClient crashing = DiscoveryClient.builder().registry(etcd.uri()).ttl(TTL).scheduler(frozen).withoutShutdownHook().build();
    crashing.register(service, "10.1.2.3:8888");
    frozen.runDue();
    ServiceView view = client(etcd, TTL).service(service);
    assertThat(view.instances()).hasSize(1);

    // The frozen scheduler never runs the heartbeat: as if the process had died.
    await().atMost(TTL.multipliedBy(4)).until(() -> view.instances().isEmpty());
    assertThat(etcdRange("/services/" + service + "/")).isEmpty();
  }

  @Test
  void jvmShutdownHookDeregistersWhenTheProcessIsTerminated() throws Exception {
    Process child = new ProcessBuilder(
        new File(System.getProperty("java.home"), "bin/java").getPath(),
        "-cp", System.getProperty("java.class.path"),
        RegisterUntilKilled.class.getName(), etcd.uri(), service, "10.1.2.3:8888")
        .redirectErrorStream(true)
        .start();
    toClose.add(child::destroyForcibly);
    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.equals("REGISTERED")) {
      // child's log lines
    }
    assertThat(line).isEqualTo("REGISTERED");
    ServiceView view = client(etcd, TTL).service(service);
    assertThat(view.instances()).hasSize(1);

    child.destroy(); // SIGTERM: the JVM runs its shutdown hooks
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

    // The child's TTL is 60 s: only deregistration by the hook removes the key this soon.
    await().atMost(Duration.ofSeconds(3)).until(() -> view.instances().isEmpty());
  }

  @Test
  void malformedValuesUnderThePrefixAreSkipped() throws Exception {
    putRaw("/services/" + service + "/broken", "{not json");
    putRaw("/services/" + service + "/wrong-fields", "{\"service\":\"" + service + "\",\"id\":\"wrong-fields\",\"host\":\"1.2.3.4.5\",\"port\":1}");
    Registration registration = client(etcd, TTL).register(service, "10.1.2.3:8888");
    assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();

    ServiceView view = client(etcd, TTL).service(service);
    assertThat(view.instances()).containsExactly(registration.instance());

    putRaw("/services/" + service + "/later", "[]");
    Registration second = client(etcd, TTL).register(service, "10.1.2.4:8888");
    await().atMost(Duration.ofSeconds(10)).until(() -> view.instances().size() == 2);
    assertThat(view.instances()).containsExactlyInAnyOrder(registration.instance(), second.instance());
  }

  @Test
  void aWatchWhoseConnectionGoesSilentIsDetectedAndListedAgain() throws Exception {
    int port = Integer.parseInt(etcd.uri().substring(etcd.uri().lastIndexOf(':') + 1));
    try (SilentProxy proxy = new SilentProxy(port)) {
      Duration ttl = Duration.ofSeconds(2); // silence is detected after 2 x TTL
      ServiceView view = client("etcd://127.0.0.1:" + proxy.port(), ttl).service(service);
      Registration first = client(etcd, TTL).register(service, "10.1.2.3:8888");
      await().atMost(Duration.ofSeconds(5)).until(() -> view.instances().size() == 1);

      proxy.silenceExisting(); // the watch's connection: open, and silent from now on
      Registration second = client(etcd, TTL).register(service, "10.1.2.4:8888");

      await().atMost(Duration.ofSeconds(15)).until(() -> view.instances().size() == 2);
      assertThat(view.instances()).containsExactlyInAnyOrder(first.instance(), second.instance());
    }
  }

  @Test
  void anOverwrittenKeyIsWrittenBackByTheNextRenewal() throws Exception {
    Registration registration = client(etcd, TTL).register(service, "10.1.2.3:8888");
    assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    ServiceView view = client(etcd, TTL).service(service);
    String key = "/services/" + service + "/" + registration.instance().id();

    String ours = InstanceCodec.toJson(registration.instance());
    putRaw(key, "not an instance");
    await().atMost(TTL.multipliedBy(2)).until(() -> ours.equals(rawValue(key)));
    await().atMost(Duration.ofSeconds(5)).until(() -> view.instances().equals(List.of(registration.instance())));

    ServiceInstance other = ServiceInstance.builder(service, "10.9.9.9:8888").id(registration.instance().id()).build();
    putRaw(key, InstanceCodec.toJson(other));
    await().atMost(TTL.multipliedBy(2)).until(() -> ours.equals(rawValue(key)));
    await().atMost(Duration.ofSeconds(5)).until(() -> view.instances().equals(List.of(registration.instance())));
  }

  @Test
  void deregistrationDeletesADetachedCopyOfOurKeyButNotSomeoneElsesValue() throws Exception {
    Registration ours = client(etcd, Duration.ofMinutes(1)).register(service, "10.1.2.3:8888");
    Registration theirs = client(etcd, Duration.ofMinutes(1)).register(service, "10.1.2.4:8888");
    assertThat(ours.awaitRegistered(Duration.ofSeconds(10)) && theirs.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    String ourKey = "/services/" + service + "/" + ours.instance().id();
    String theirKey = "/services/" + service + "/" + theirs.instance().id();
    putRaw(ourKey, InstanceCodec.toJson(ours.instance())); // the same value, detached from our lease
    putRaw(theirKey, "someone else's now");

    ours.close();
    theirs.close();

    assertThat(etcdRange("/services/" + service + "/")).containsExactly(theirKey);
  }

  @Test
  void registryOutageKeepsTheViewServedStaleAndRestoresRegistrationsAfter() throws Exception {
    try (EtcdServer own = EtcdServer.start()) {
      Registration registration = client(own, TTL).register(service, "10.1.2.3:8888");
      assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
      DiscoveryClient caller = client(own, TTL);
      ServiceView view = caller.service(service);
      assertThat(view.instances()).hasSize(1);

      own.stop();

      await().atMost(Duration.ofSeconds(10)).until(() -> view.snapshot().stale());
      assertThat(view.instances()).as("the last instances stay in use").containsExactly(registration.instance());
      await().atMost(TTL.multipliedBy(3)).until(() -> registration.state() == RegistrationState.RETRYING);
      Registration startedDuringOutage = client(own, TTL).register(service, "10.1.2.4:8888");
      assertThat(startedDuringOutage.state()).isNotEqualTo(RegistrationState.REGISTERED);

      own.restart();

      await().atMost(Duration.ofSeconds(15)).until(() -> registration.state() == RegistrationState.REGISTERED
          && startedDuringOutage.state() == RegistrationState.REGISTERED);
      await().atMost(Duration.ofSeconds(15)).until(() -> !view.snapshot().stale() && view.instances().size() == 2);
      assertThat(view.instances()).containsExactlyInAnyOrder(registration.instance(), startedDuringOutage.instance());
      closeAll();
    }
  }

  private List<String> etcdRange(String prefix) {
    JsonNode body = raw(etcd).post("/v3/kv/range", EtcdGateway.JSON.createObjectNode()
        .put("key", EtcdGateway.base64(prefix))
        .put("range_end", EtcdGateway.base64(EtcdGateway.rangeEnd(prefix)))).body();
    List<String> keys = new ArrayList<>();
    body.path("kvs").forEach(kv -> keys.add(EtcdGateway.fromBase64(kv.path("key").asText())));
    return keys;
  }

  private String rawValue(String key) {
    JsonNode kv = raw(etcd).post("/v3/kv/range", EtcdGateway.JSON.createObjectNode().put("key", EtcdGateway.base64(key)))
        .body().path("kvs").path(0);
    return kv.isMissingNode() ? null : EtcdGateway.fromBase64(kv.path("value").asText(""));
  }

  private void putRaw(String key, String value) {
    assertThat(raw(etcd).post("/v3/kv/put", EtcdGateway.JSON.createObjectNode()
        .put("key", EtcdGateway.base64(key)).put("value", EtcdGateway.base64(value))).ok()).isTrue();
  }
}
