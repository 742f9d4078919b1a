package io.discovery.client.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.discovery.client.RegistrationRejectedException;
import io.discovery.client.RegistryUnavailableException;
import io.discovery.client.ServiceInstance;
import io.discovery.client.spi.BackendContext;
import io.discovery.client.spi.Lease;
import io.discovery.client.spi.LeaseLostException;
import io.discovery.client.spi.WatchListener;
import io.discovery.client.internal.InstanceCodec;
import io.discovery.testing.ManualScheduler;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each etcd answer a register, renew and deregister can get, and what the backend makes of it. */
class EtcdCallsTest {
  private static final ServiceInstance A = ServiceInstance.of("payments", "10.0.0.1:80");
  private static final Duration TTL = Duration.ofSeconds(10);
  private final ScriptedEtcd etcd = new ScriptedEtcd();
  private final AtomicLong nanos = new AtomicLong();
  private final EtcdBackend backend = EtcdBackendFactory.parse(URI.create(etcd.uri())).nanoTime(nanos::get).build();

  @AfterEach
  void close() {
    backend.close();
    etcd.close();
  }

  private Lease registered() {
    Lease lease = backend.register(A, TTL);
    etcd.calls.clear();
    nanos.addAndGet(Duration.ofSeconds(3).toNanos()); // past a quarter TTL: the next renewal keeps the lease alive
    return lease;
  }

  @Test
  void aPutRefusedFor400Or403IsForGoodAndOtherRefusalsAreOutages() {
    etcd.then("/v3/kv/put", 400, "{\"error\":\"etcdserver: request is too large\"}");
    assertThatThrownBy(() -> backend.register(A, TTL)).isInstanceOf(RegistrationRejectedException.class)
        .hasMessage("etcd refused to write /services/payments/" + A.id() + ": etcdserver: request is too large (HTTP 400)");

    etcd.then("/v3/kv/put", 403, "{\"error\":\"etcdserver: permission denied\"}");
    assertThatThrownBy(() -> backend.register(A, TTL)).isInstanceOf(RegistrationRejectedException.class).hasMessageEndingWith("(HTTP 403)");

    etcd.then("/v3/kv/put", 429, "{\"error\":\"etcdserver: too many requests\"}");
    assertThatThrownBy(() -> backend.register(A, TTL)).isInstanceOf(RegistryUnavailableException.class)
        .isNotInstanceOf(RegistrationRejectedException.class).hasMessageEndingWith("too many requests");
    assertThat(etcd.calls("/v3/lease/grant")).as("the lease survives refused puts").hasSize(1);
  }

  @Test
  void aLeaseThatExpiredBeforeThePutIsGrantedAgainNextTime() {
    etcd.then("/v3/kv/put", 400, "{\"error\":\"etcdserver: requested lease not found\"}");
    assertThatThrownBy(() -> backend.register(A, TTL)).isInstanceOf(RegistryUnavailableException.class);

    Lease lease = backend.register(A, TTL);

    assertThat(etcd.calls("/v3/lease/grant")).hasSize(2);
    assertThat(etcd.calls("/v3/kv/put").get(1).body().path("lease").asText()).isEqualTo(lease.id());
  }

  @Test
  void aKeepaliveAnsweredNotFoundOrWithoutTtlMeansTheLeaseIsLost() {
    Lease lease = registered();
    etcd.then("/v3/lease/keepalive", 404, "{\"error\":\"etcdserver: requested lease not found\"}");
    assertThatThrownBy(() -> backend.renew(lease)).isInstanceOf(LeaseLostException.class).hasMessage("etcd lease " + lease.id() + " not found");

    Lease again = registered();
    assertThat(again.id()).as("a lost lease is not shared again").isNotEqualTo(lease.id());
    etcd.then("/v3/lease/keepalive", 200, "{\"result\":{\"ID\":\"" + again.id() + "\"}}");
    assertThatThrownBy(() -> backend.renew(again)).isInstanceOf(LeaseLostException.class).hasMessageContaining("expired or was revoked");
  }

  @Test
  void aFailedKeepaliveIsAnOutageAndTheNextRenewalSendsItAgain() {
    Lease lease = registered();
    etcd.then("/v3/lease/keepalive", 400, "{\"error\":\"etcdserver: too many requests\"}");
    assertThatThrownBy(() -> backend.renew(lease)).isInstanceOf(RegistryUnavailableException.class)
        .hasMessage("etcd keepalive of lease " + lease.id() + " failed: etcdserver: too many requests");

    backend.renew(lease);
    assertThat(etcd.calls("/v3/lease/keepalive")).hasSize(2);
    etcd.calls.clear();
    backend.renew(lease);
    assertThat(etcd.calls("/v3/lease/keepalive")).as("kept alive a moment ago").isEmpty();
  }

  @Test
  void aRenewalThatCannotReadTheKeyIsAnOutage() {
    Lease lease = registered();
    etcd.then("/v3/kv/range", 400, "{\"error\":\"etcdserver: permission denied\"}");

    assertThatThrownBy(() -> backend.renew(lease)).isInstanceOf(RegistryUnavailableException.class)
        .hasMessage("etcd read of /services/payments/" + A.id() + " failed: etcdserver: permission denied");
  }

  @Test
  void aKeyWrittenBackFailsAsItsPutFails() {
    Lease lease = registered();
    etcd.then("/v3/kv/range", 200, "{\"header\":{\"revision\":\"5\"}}") // deleted
        .then("/v3/kv/put", 400, "{\"error\":\"etcdserver: requested lease not found\"}");
    assertThatThrownBy(() -> backend.renew(lease)).isInstanceOf(LeaseLostException.class);

    Lease again = registered();
    etcd.then("/v3/kv/range", 200, "{\"header\":{\"revision\":\"5\"}}")
        .then("/v3/kv/put", 403, "{\"error\":\"etcdserver: permission denied\"}");
    assertThatThrownBy(() -> backend.renew(again)).isInstanceOf(RegistryUnavailableException.class)
        .hasMessage("etcd refused to write /services/payments/" + A.id() + " back: etcdserver: permission denied");
  }

  @Test
  void aKeyUnderAnotherLeaseIsWrittenBackUnderOurs() {
    Lease lease = registered();
    String value = java.util.Base64.getEncoder().encodeToString(InstanceCodec.toJson(A).getBytes(StandardCharsets.UTF_8));
    etcd.then("/v3/kv/range", 200, "{\"kvs\":[{\"key\":\"" + ScriptedEtcd.key(A) + "\",\"value\":\"" + value + "\",\"lease\":\"99\"}]}");

    backend.renew(lease);

    assertThat(etcd.calls("/v3/kv/put")).singleElement().satisfies(put -> assertThat(put.body().path("lease").asText()).isEqualTo(lease.id()));
  }

  @Test
  void deregistrationDeletesUnderOurLeaseThenADetachedCopyAndRevokesTheLastHolder() {
    Lease lease = registered();
    etcd.then("/v3/kv/txn", 200, "{\"succeeded\":false}").then("/v3/kv/txn", 200, "{\"succeeded\":true}")
        .then("/v3/lease/revoke", 404, "{\"error\":\"etcdserver: requested lease not found\"}");

    backend.deregister(lease);

    List<ScriptedEtcd.Call> txns = etcd.calls("/v3/kv/txn");
    assertThat(txns).extracting(t -> t.body().path("compare").get(0).path("lease").asText()).containsExactly(lease.id(), "0");
    assertThat(etcd.paths()).containsExactly("/v3/kv/txn", "/v3/kv/txn", "/v3/lease/revoke");
  }

  @Test
  void aDeletionTheFirstCompareWinsNeedsNoSecondAndAFailedOneIsAnOutage() {
    Lease lease = registered();
    Lease other = backend.register(ServiceInstance.of("payments", "10.0.0.2:80"), TTL);
    etcd.calls.clear();
    etcd.then("/v3/kv/txn", 200, "{\"succeeded\":true}");

    backend.deregister(lease);
    assertThat(etcd.paths()).as("the lease still has a holder: not revoked").containsExactly("/v3/kv/txn");

    etcd.then("/v3/kv/txn", 400, "{\"error\":\"etcdserver: permission denied\"}");
    assertThatThrownBy(() -> backend.deregister(other)).isInstanceOf(RegistryUnavailableException.class)
        .hasMessage("etcd delete of /services/payments/" + other.instance().id() + " failed: etcdserver: permission denied");
  }

  @Test
  void theSizeLimitCountsUtf8BytesOfKeyAndValue() {
    EtcdBackend strict = EtcdBackendFactory.parse(URI.create(etcd.uri())).maxInstanceBytes(1000).build();
    try {
      ServiceInstance wide = ServiceInstance.builder("payments", "10.0.0.1:80").metadata("w", "\u007f\u0080é\u07ff\u0800€😀").build();
      String key = "/services/payments/" + wide.id();
      String value = InstanceCodec.toJson(wide);
      int bytes = key.getBytes(StandardCharsets.UTF_8).length + value.getBytes(StandardCharsets.UTF_8).length;
      EtcdBackend exact = EtcdBackendFactory.parse(URI.create(etcd.uri())).maxInstanceBytes(bytes).build();
      EtcdBackend under = EtcdBackendFactory.parse(URI.create(etcd.uri())).maxInstanceBytes(bytes - 1).build();

      assertThat(exact.decode("payments", key, value, 3)).isEqualTo(wide);
      assertThat(under.decode("payments", key, value, 3)).isNull();
      assertThat(strict.decode("payments", key, value, 3)).isEqualTo(wide);
      exact.close();
      under.close();
    } finally {
      strict.close();
    }
  }

  @Test
  void aClosedBackendStopsItsWatchesAndRefusesNewOnes() {
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    backend.watch("payments", failuresInto(failures));
    await().atMost(Duration.ofSeconds(10)).until(() -> etcd.paths().contains("/v3/watch"));

    backend.close();

    assertThatThrownBy(() -> backend.watch("payments", null)).isInstanceOf(IllegalStateException.class).hasMessage("etcd backend is closed");
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(failures::isEmpty);
  }

  @Test
  void aSilentWatchIsListedAgainWithoutFailing() {
    EtcdBackend quick = (EtcdBackend) new EtcdBackendFactory().create(URI.create(etcd.uri()),
        new BackendContext(new ManualScheduler(), Duration.ofMillis(150))); // silence limit: 2 x TTL
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    try {
      quick.watch("payments", failuresInto(failures));
      await().atMost(Duration.ofSeconds(10)).until(() -> etcd.calls("/v3/watch").size() >= 2);
      assertThat(etcd.paths().subList(0, 4)).containsExactly("/v3/kv/range", "/v3/watch", "/v3/kv/range", "/v3/watch");
      assertThat(failures).isEmpty();
    } finally {
      quick.close();
    }
  }

  @Test
  void aRenewalOfAnIntactKeyWritesNothing() {
    Lease lease = registered();

    backend.renew(lease);

    assertThat(etcd.paths()).containsExactly("/v3/lease/keepalive", "/v3/kv/range");
  }

  @Test
  void aValueChangedUnderOurLeaseIsWrittenBack() {
    Lease lease = registered();
    ServiceInstance changed = A.toBuilder().weight(9).build();
    String value = java.util.Base64.getEncoder().encodeToString(InstanceCodec.toJson(changed).getBytes(StandardCharsets.UTF_8));
    etcd.then("/v3/kv/range", 200, "{\"kvs\":[{\"key\":\"" + ScriptedEtcd.key(A) + "\",\"value\":\"" + value + "\",\"lease\":\""
        + lease.id() + "\"}]}");

    backend.renew(lease);

    assertThat(etcd.calls("/v3/kv/put")).hasSize(1);
  }

  @Test
  void theLeaseTtlIsTheRegistrationTtlRoundedUpToSeconds() {
    backend.register(A, Duration.ofMillis(1500));
    backend.register(ServiceInstance.of("payments", "10.0.0.2:80"), Duration.ofMillis(200));

    assertThat(etcd.calls("/v3/lease/grant")).extracting(c -> c.body().path("TTL").asText()).containsExactly("2", "1");
  }

  @Test
  void aRegistrationThatFailedGivesUpItsHoldOnTheSharedLease() {
    Lease lease = backend.register(A, TTL);
    etcd.then("/v3/kv/put", 429, "{\"error\":\"etcdserver: too many requests\"}");
    assertThatThrownBy(() -> backend.register(ServiceInstance.of("payments", "10.0.0.2:80"), TTL))
        .isInstanceOf(RegistryUnavailableException.class);
    etcd.then("/v3/kv/txn", 200, "{\"succeeded\":true}");

    backend.deregister(lease);

    assertThat(etcd.paths()).as("the last holder revokes").endsWith("/v3/lease/revoke");
  }

  @Test
  void aRegistrationWhosePutCannotBeSentGivesUpItsHoldToo() throws Exception {
    Lease lease = backend.register(A, TTL);
    etcd.then("/v3/kv/put", new mockwebserver3.MockResponse.Builder()
        .onResponseStart(new mockwebserver3.SocketEffect.CloseSocket()).build());
    assertThatThrownBy(() -> backend.register(ServiceInstance.of("payments", "10.0.0.2:80"), TTL))
        .isInstanceOf(RegistryUnavailableException.class);
    etcd.then("/v3/kv/txn", 200, "{\"succeeded\":true}");

    backend.deregister(lease);

    assertThat(etcd.paths()).endsWith("/v3/lease/revoke");
  }

  @Test
  void etcdsRequestLimitIsCheckedBeforeSending() {
    EtcdBackend roomy = EtcdBackendFactory.parse(URI.create(etcd.uri())).maxInstanceBytes(4_000_000).build();
    try {
      ServiceInstance empty = ServiceInstance.builder("payments", "10.0.0.1:80").metadata("pad", "").build();
      int base = ("/services/payments/" + empty.id()).length() + InstanceCodec.toJson(empty).length();
      int room = EtcdBackend.MAX_REQUEST_BYTES - 1024 - base;
      roomy.validate(empty.toBuilder().metadata("pad", "x".repeat(room)).build());
      assertThatThrownBy(() -> roomy.validate(empty.toBuilder().metadata("pad", "x".repeat(room + 1)).build()))
          .hasMessageContaining("etcd accepts requests of at most 1572864 bytes");
    } finally {
      roomy.close();
    }
  }

  @Test
  void aMemberAnswering500IsLeftAndOneAnswering501IsBelieved() {
    try (ScriptedEtcd other = new ScriptedEtcd()) {
      EtcdBackend both = EtcdBackendFactory.parse(URI.create(etcd.uri() + "," + other.uri().substring("etcd://".length()))).build();
      try {
        etcd.then("/v3/lease/grant", 500, "{\"error\":\"etcdserver: internal\"}");
        both.register(A, TTL);
        assertThat(other.paths()).containsExactly("/v3/lease/grant", "/v3/kv/put");

        other.then("/v3/kv/txn", 501, "{\"error\":\"Not Implemented\"}");
        assertThatThrownBy(() -> both.deregister(new Lease(A, "7"))).isInstanceOf(RegistryUnavailableException.class)
            .hasMessageContaining("Not Implemented");
        assertThat(etcd.calls("/v3/kv/txn")).as("a 501 is an answer, not a reason to move").isEmpty();
      } finally {
        both.close();
      }
    }
  }

  @Test
  void anUnreachableMemberIsLeftForTheNextInTurn() throws Exception {
    int dead;
    try (java.net.ServerSocket closed = new java.net.ServerSocket(0)) {
      dead = closed.getLocalPort();
    }
    try (ScriptedEtcd second = new ScriptedEtcd(); ScriptedEtcd third = new ScriptedEtcd()) {
      second.then("/v3/lease/grant", 503, "{\"error\":\"etcdserver: no leader\"}");
      EtcdBackend three = EtcdBackendFactory.parse(URI.create("etcd://127.0.0.1:" + dead + "," + second.uri().substring(7) + ","
          + third.uri().substring(7))).build();
      try {
        three.register(A, TTL);

        assertThat(second.paths()).as("tried in turn after the dead one").containsExactly("/v3/lease/grant");
        assertThat(third.paths()).containsExactly("/v3/lease/grant", "/v3/kv/put");
      } finally {
        three.close();
      }
    }
  }

  /** A listener that keeps only the failure that ends a watch. */
  private static WatchListener failuresInto(List<Throwable> failures) {
    return new WatchListener() {
      @Override
      public void onInstances(List<ServiceInstance> instances, long revision) {
      }

      @Override
      public void onChanges(Collection<ServiceInstance> upserted, Collection<String> removedIds, long revision) {
      }

      @Override
      public void onFailure(Throwable error) {
        failures.add(error);
      }
    };
  }
}
