package io.discovery.client.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.DiscoveryEvent;
import io.discovery.client.Registration;
import io.discovery.client.RegistrationState;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import io.discovery.testing.ManualScheduler;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The etcd backend against a scripted gateway, for failures a real etcd can't easily be made to show. */
class EtcdFailureTest {
  private static final ServiceInstance A = ServiceInstance.of("payments", "10.0.0.1:80");
  private static final ServiceInstance B = ServiceInstance.of("payments", "10.0.0.2:80");
  private static final ServiceInstance C = ServiceInstance.of("payments", "10.0.0.3:80");

  private final ScriptedEtcd etcd = new ScriptedEtcd();
  private final ManualScheduler time = new ManualScheduler();
  private DiscoveryClient client;

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
    etcd.close();
  }

  private DiscoveryClient manualClient() {
    client = DiscoveryClient.builder().registry(etcd.uri()).scheduler(time).withoutShutdownHook().build();
    return client;
  }

  private DiscoveryClient threadedClient() {
    client = DiscoveryClient.builder().registry(etcd.uri())
        .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
        .withoutShutdownHook().build();
    return client;
  }

  @Test
  void aMemberWithoutALeaderIsLeftForAnotherOnEveryCall() {
    try (ScriptedEtcd other = new ScriptedEtcd()) {
      String noLeader = "{\"error\":\"etcdserver: no leader\",\"code\":14,\"message\":\"etcdserver: no leader\"}";
      etcd.then("/v3/lease/grant", 503, noLeader);
      String both = etcd.uri() + "," + other.uri().substring("etcd://".length());
      client = DiscoveryClient.builder().registry(both).scheduler(time).withoutShutdownHook().build();
      Registration registration = client.register(A);

      time.runDue();

      assertThat(registration.state()).as("registered through the other member in the same attempt").isEqualTo(RegistrationState.REGISTERED);
      assertThat(etcd.paths()).containsExactly("/v3/lease/grant");
      assertThat(other.paths()).containsExactly("/v3/lease/grant", "/v3/kv/put");
      time.advance(time.nextDelay());
      assertThat(other.paths()).as("the renewal stays on the member that answered").contains("/v3/lease/keepalive");
      assertThat(etcd.paths()).hasSize(1);
    }
  }

  @Test
  void aWatchRefusedByItsMemberMovesToAnotherAndRequiresALeader() {
    try (ScriptedEtcd other = new ScriptedEtcd()) {
      etcd.then("/v3/watch", 503, "{\"error\":\"etcdserver: no leader\",\"code\":14}");
      other.then("/v3/kv/range", 200, ScriptedEtcd.range(9, Map.of(ScriptedEtcd.key(A), ScriptedEtcd.json(A))));
      String both = etcd.uri() + "," + other.uri().substring("etcd://".length());
      client = DiscoveryClient.builder().registry(both).retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
          .withoutShutdownHook().build();

      ServiceView view = client.service("payments");

      await().atMost(Duration.ofSeconds(10)).until(() -> !other.calls("/v3/watch").isEmpty());
      assertThat(other.calls("/v3/watch").get(0).headers().get("Grpc-Metadata-hasleader")).isEqualTo("true");
      await().atMost(Duration.ofSeconds(10)).until(() -> view.instances().contains(A));
    }
  }

  @Test
  void anInstanceOverTheViewsLimitIsRefusedAtRegisterNamingSizeAndLimit() {
    ServiceInstance large = ServiceInstance.builder("payments", "10.0.0.1:80").metadata("blob", "x".repeat(70_000)).build();
    DiscoveryClient client = manualClient();
    Registration kept = client.register(A);

    assertThatThrownBy(() -> client.register(large))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("takes 70166 bytes").hasMessageContaining("views skip instances over 65536 bytes");
    assertThat(client.registrations()).containsExactly(kept);
  }

  @Test
  void anInstanceTooLargeForEtcdIsRefusedAtRegisterNamingSizeAndLimit() {
    ServiceInstance huge = ServiceInstance.builder("payments", "10.0.0.1:80").metadata("blob", "x".repeat(2 << 20)).build();
    client = DiscoveryClient.builder().registry(etcd.uri()).scheduler(time).maxInstanceBytes(4 << 20)
        .withoutShutdownHook().build();
    Registration kept = client.register(A);

    assertThatThrownBy(() -> client.register(huge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("takes 2097").hasMessageContaining("at most 1572864 bytes");
    assertThat(client.registrations()).containsExactly(kept);
  }

  @Test
  void watchEventsChangeTheViewOneBatchAtATimeAndSkipOversizedValues() {
    ServiceInstance movedB = ServiceInstance.builder("payments", "10.0.0.9:80").id(B.id()).build();
    ServiceInstance huge = ServiceInstance.builder("payments", "10.0.0.4:80").metadata("blob", "x".repeat(70_000)).build();
    etcd.then("/v3/kv/range", 200, ScriptedEtcd.range(7, Map.of(ScriptedEtcd.key(A), ScriptedEtcd.json(A),
            ScriptedEtcd.key(B), ScriptedEtcd.json(B))))
        .then("/v3/watch", ScriptedEtcd.stream(ScriptedEtcd.CREATED,
            ScriptedEtcd.events(8, ScriptedEtcd.put(8, ScriptedEtcd.key(C), ScriptedEtcd.json(C))),
            ScriptedEtcd.events(9, ScriptedEtcd.delete(9, ScriptedEtcd.key(A))),
            // in one batch: B moves, C comes back and goes; the last state of each key counts
            ScriptedEtcd.events(10, ScriptedEtcd.put(10, ScriptedEtcd.key(B), ScriptedEtcd.json(movedB)),
                ScriptedEtcd.put(10, ScriptedEtcd.key(C), ScriptedEtcd.json(C)), ScriptedEtcd.delete(10, ScriptedEtcd.key(C))),
            ScriptedEtcd.events(11, ScriptedEtcd.put(11, ScriptedEtcd.key(huge), ScriptedEtcd.json(huge))),
            ScriptedEtcd.events(12, ScriptedEtcd.put(12, ScriptedEtcd.key(A), "not json"))));
    List<DiscoveryEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    client = DiscoveryClient.builder().registry(etcd.uri()).retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
        .listener(events::add).withoutShutdownHook().build();
    client.service("payments");

    // the stream ends after the last batch: the view goes stale
    await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(e -> e instanceof DiscoveryEvent.ViewStale));

    List<DiscoveryEvent> beforeStale = events.stream().takeWhile(e -> !(e instanceof DiscoveryEvent.ViewStale)).toList();
    assertThat(beforeStale).filteredOn(e -> e instanceof DiscoveryEvent.ViewLoaded || e instanceof DiscoveryEvent.ViewChanged)
        .extracting(e -> e instanceof DiscoveryEvent.ViewLoaded l ? l.snapshot() : ((DiscoveryEvent.ViewChanged) e).snapshot())
        .extracting(s -> s.instances() + "@" + s.revision())
        .containsExactly(List.of(A, B) + "@7", List.of(A, B, C) + "@8", List.of(B, C) + "@9", List.of(movedB) + "@10");
    assertThat(beforeStale).filteredOn(e -> e instanceof DiscoveryEvent.ViewChanged).map(e -> (DiscoveryEvent.ViewChanged) e)
        .extracting(c -> c.added() + "-" + c.removed())
        .containsExactly(List.of(C) + "-[]", "[]-" + List.of(A), List.of(movedB) + "-" + List.of(C, B));
  }

  @Test
  void aPutEtcdRefusesForGoodFailsTheRegistrationInsteadOfRetrying() {
    etcd.then("/v3/kv/put", 400, "{\"error\":\"etcdserver: request is too large\",\"code\":3}");
    Registration registration = manualClient().register(A);

    time.runDue();

    assertThat(registration.state()).isEqualTo(RegistrationState.FAILED);
    assertThat(registration.failure()).get().extracting(Throwable::getMessage).asString().contains("request is too large");
    assertThat(time.pending()).as("nothing scheduled: no retry").isZero();
  }

  @Test
  void serverErrorsAtRegisterMeanRetryingUntilEtcdAnswers() {
    etcd.then("/v3/lease/grant", 503, "{\"error\":\"etcdserver: leader changed\",\"code\":14}")
        .then("/v3/lease/grant", 500, "{\"error\":\"boom\",\"code\":13}");
    Registration registration = manualClient().register(A);

    time.runDue();
    assertThat(registration.state()).isEqualTo(RegistrationState.RETRYING);
    time.advance(time.nextDelay());
    assertThat(registration.state()).isEqualTo(RegistrationState.RETRYING);
    time.advance(time.nextDelay());

    assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERED);
    assertThat(etcd.paths()).containsExactly("/v3/lease/grant", "/v3/lease/grant", "/v3/lease/grant", "/v3/kv/put");
    assertThat(etcd.calls("/v3/kv/put").get(0).body().path("lease").asText()).isEqualTo("7000000001");
  }

  @Test
  void aKeepaliveAnswerWithoutTtlMeansTheLeaseIsLostAndTheClientRegistersAgain() {
    Registration registration = manualClient().register(A);
    time.runDue();
    etcd.then("/v3/lease/keepalive", 200, "{\"result\":{\"header\":{\"revision\":\"9\"},\"ID\":\"7000000001\"}}");

    time.advance(time.nextDelay());

    assertThat(etcd.paths()).containsExactly("/v3/lease/grant", "/v3/kv/put", "/v3/lease/keepalive", "/v3/lease/grant", "/v3/kv/put");
    assertThat(etcd.calls("/v3/kv/put").get(1).body().path("lease").asText()).isEqualTo("7000000002");
    assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERED);
  }

  @Test
  void leaseNotFoundOnKeepaliveRegistersAgain() {
    Registration registration = manualClient().register(A);
    time.runDue();
    etcd.then("/v3/lease/keepalive", 404, "{\"error\":\"etcdserver: requested lease not found\",\"code\":5}");

    time.advance(time.nextDelay());

    assertThat(etcd.calls("/v3/lease/grant")).hasSize(2);
    assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERED);
  }

  @Test
  void aDeletedKeyIsWrittenBackUnderTheLeaseThatStillLives() {
    Registration registration = manualClient().register(A);
    time.runDue();
    etcd.then("/v3/kv/range", 200, "{\"header\":{\"revision\":\"9\"}}");

    time.advance(time.nextDelay());

    assertThat(etcd.paths()).containsExactly("/v3/lease/grant", "/v3/kv/put", "/v3/lease/keepalive", "/v3/kv/range",
        "/v3/kv/put");
    assertThat(etcd.calls("/v3/kv/put").get(1).body().path("lease").asText()).isEqualTo("7000000001");
    assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERED);
  }

  @Test
  void registrationsShareOneLeaseKeptAliveOncePerQuarterTtlAndRevokedWithTheLast() {
    DiscoveryClient client = manualClient();
    List<Registration> registrations = new java.util.ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      registrations.add(client.register("payments", "10.0.1." + i + ":80"));
    }
    time.runDue();
    assertThat(registrations).allMatch(r -> r.state() == RegistrationState.REGISTERED);
    assertThat(etcd.calls("/v3/lease/grant")).hasSize(1);
    assertThat(etcd.calls("/v3/kv/put")).extracting(c -> c.body().path("lease").asText()).containsOnly("7000000001");

    time.advance(Duration.ofSeconds(10)); // one TTL: each registration renews about three times

    int keepalives = etcd.calls("/v3/lease/keepalive").size();
    assertThat(keepalives).as("keepalives in one TTL for 12 registrations").isBetween(2, 4);
    assertThat(etcd.calls("/v3/kv/range")).as("each renewal still checks its key").hasSizeGreaterThanOrEqualTo(24);

    registrations.subList(1, 12).forEach(Registration::close);
    time.runDue();
    assertThat(etcd.calls("/v3/lease/revoke")).as("the lease stays while a registration uses it").isEmpty();
    registrations.get(0).close();
    time.runDue();
    assertThat(etcd.calls("/v3/lease/revoke")).extracting(c -> c.body().path("ID").asText()).containsExactly("7000000001");
    // Registrations of one client share the lease: a delete must also match this instance's value.
    assertThat(etcd.calls("/v3/kv/txn")).allSatisfy(txn -> assertThat(txn.body().path("compare").findValuesAsText("target"))
        .containsExactlyInAnyOrder("LEASE", "VALUE"));
  }

  @Test
  void renewalErrorsKeepTheLeaseAndRetryWithinTheHeartbeatInterval() {
    Registration registration = manualClient().register(A);
    time.runDue();
    etcd.then("/v3/lease/keepalive", 502, "{\"error\":\"bad gateway\"}");

    time.advance(time.nextDelay());
    assertThat(registration.state()).isEqualTo(RegistrationState.RETRYING);
    assertThat(time.nextDelay()).isLessThanOrEqualTo(Duration.ofMillis(3300));
    time.advance(time.nextDelay());

    assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERED);
    assertThat(etcd.calls("/v3/lease/grant")).as("the lease was kept").hasSize(1);
  }

  @Test
  void malformedValuesAreSkippedAndTheRestIsServed() {
    Map<String, String> values = new LinkedHashMap<>();
    values.put(ScriptedEtcd.key(A), ScriptedEtcd.json(A));
    values.put("/services/payments/garbage", "\u0000\u0001 not json");
    values.put("/services/payments/other-id", ScriptedEtcd.json(B));
    values.put("/services/payments/a/b", ScriptedEtcd.json(C));
    values.put(ScriptedEtcd.key(C), "{\"service\":\"payments\",\"id\":\"" + C.id() + "\",\"host\":\"10.0.0.3\"}");
    etcd.then("/v3/kv/range", 200, ScriptedEtcd.range(5, values));

    ServiceView view = threadedClient().service("payments");

    assertThat(view.instances()).containsExactly(A);
    assertThat(view.snapshot().stale()).isFalse();
  }

  @Test
  void aDroppedWatchStreamMarksTheViewStaleThenListsAndWatchesAgainFromTheNewRevision() {
    etcd.then("/v3/kv/range", 200, ScriptedEtcd.range(7, Map.of(ScriptedEtcd.key(A), ScriptedEtcd.json(A))))
        .then("/v3/watch", ScriptedEtcd.stream(ScriptedEtcd.CREATED, ScriptedEtcd.putEvent(8, B)))
        .then("/v3/kv/range", 503, "{\"error\":\"etcdserver: request timed out\"}")
        .then("/v3/kv/range", 200, ScriptedEtcd.range(12, Map.of(
            ScriptedEtcd.key(A), ScriptedEtcd.json(A), ScriptedEtcd.key(B), ScriptedEtcd.json(B), ScriptedEtcd.key(C), ScriptedEtcd.json(C))));
    ServiceView view = threadedClient().service("payments");

    await().atMost(Duration.ofSeconds(10)).until(() -> view.instances().size() == 3 && !view.snapshot().stale());

    List<ScriptedEtcd.Call> watches = etcd.calls("/v3/watch");
    assertThat(watches).hasSize(2);
    assertThat(watches.get(0).body().path("create_request").path("start_revision").asText()).isEqualTo("8");
    assertThat(watches.get(1).body().path("create_request").path("start_revision").asText()).isEqualTo("13");
    assertThat(view.snapshot().revision()).isEqualTo(12);
  }

  @Test
  void aViewServesTheLastInstancesMarkedStaleWhileEtcdFails() {
    etcd.then("/v3/kv/range", 200, ScriptedEtcd.range(7, Map.of(ScriptedEtcd.key(A), ScriptedEtcd.json(A))))
        .then("/v3/watch", ScriptedEtcd.stream(ScriptedEtcd.CREATED));
    for (int i = 0; i < 1000; i++) {
      etcd.then("/v3/kv/range", 500, "{\"error\":\"etcdserver: no leader\"}");
    }
    List<io.discovery.client.Snapshot> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    ServiceView view = threadedClient().service("payments");
    view.subscribe(seen::add);

    await().atMost(Duration.ofSeconds(10)).until(() -> etcd.calls("/v3/kv/range").size() > 5);
    assertThat(view.snapshot().stale()).isTrue();
    assertThat(view.instances()).containsExactly(A);
    // The subscription may start before or after the view went stale; either way it goes stale once and stays so.
    List<Boolean> staleness = seen.stream().map(io.discovery.client.Snapshot::stale).toList();
    assertThat(staleness).isIn(List.of(false, true), List.of(true));
  }

  @Test
  void aWatchStartingAtACompactedRevisionListsAgain() {
    // What etcd 3.4 answers when start_revision is compacted: created, then canceled with compact_revision.
    etcd.then("/v3/kv/range", 200, ScriptedEtcd.range(5, Map.of(ScriptedEtcd.key(A), ScriptedEtcd.json(A))))
        .then("/v3/watch", ScriptedEtcd.stream(ScriptedEtcd.CREATED,
            "{\"result\":{\"header\":{\"raft_term\":\"2\"},\"canceled\":true,\"compact_revision\":\"8\"}}"))
        .then("/v3/kv/range", 200, ScriptedEtcd.range(9, Map.of(ScriptedEtcd.key(B), ScriptedEtcd.json(B))));

    ServiceView view = threadedClient().service("payments");

    await().atMost(Duration.ofSeconds(10)).until(() -> view.instances().equals(List.of(B)));
    await().atMost(Duration.ofSeconds(10)).until(() -> etcd.paths().size() >= 4); // the watch after the new list
    assertThat(etcd.paths()).containsExactly("/v3/kv/range", "/v3/watch", "/v3/kv/range", "/v3/watch");
    assertThat(etcd.calls("/v3/watch").get(1).body().path("create_request").path("start_revision").asText()).isEqualTo("10");
    assertThat(view.snapshot().stale()).as("a compaction is not an outage").isFalse();
  }
}
