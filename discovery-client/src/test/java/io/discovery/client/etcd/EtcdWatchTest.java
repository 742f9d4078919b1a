package io.discovery.client.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.discovery.client.RegistryUnavailableException;
import io.discovery.client.ServiceInstance;
import io.discovery.client.spi.RegistryBackend;
import io.discovery.client.spi.WatchHandle;
import io.discovery.client.spi.WatchListener;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How a watch ends on each way etcd can end it, and what it tells the gateway about the token. */
class EtcdWatchTest {
  private static final ServiceInstance A = ServiceInstance.of("payments", "10.0.0.1:80");
  private static final ServiceInstance B = ServiceInstance.of("payments", "10.0.0.2:80");
  private final ScriptedEtcd etcd = new ScriptedEtcd();
  private RegistryBackend backend;

  @AfterEach
  void close() {
    if (backend != null) {
      backend.close();
    }
    etcd.close();
  }

  private RegistryBackend backend(String userInfo) {
    backend = etcd.backend(userInfo);
    return backend;
  }

  /** Records deliveries and the one failure that ends a watch. */
  private static final class Recorder implements WatchListener {
    final List<String> seen = new CopyOnWriteArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();

    @Override
    public void onInstances(List<ServiceInstance> instances, long revision) {
      seen.add("list@" + revision + " " + instances.stream().map(ServiceInstance::host).toList());
    }

    @Override
    public void onChanges(Collection<ServiceInstance> upserted, Collection<String> removedIds, long revision) {
      seen.add("change@" + revision + " +" + upserted.stream().map(ServiceInstance::host).toList() + " -" + removedIds);
    }

    @Override
    public void onFailure(Throwable error) {
      failures.add(error);
    }
  }

  private Recorder watchUntilItEnds(RegistryBackend backend) {
    Recorder recorder = new Recorder();
    backend.watch("payments", recorder);
    await().atMost(Duration.ofSeconds(10)).until(() -> !recorder.failures.isEmpty());
    return recorder;
  }

  @Test
  void blankLinesAndEmptyProgressMessagesAreSkippedAndEventsDelivered() {
    etcd.then("/v3/kv/range", 200, ScriptedEtcd.range(7, Map.of(ScriptedEtcd.key(A), ScriptedEtcd.json(A))))
        .then("/v3/watch", ScriptedEtcd.stream(ScriptedEtcd.CREATED, "", "{\"result\":{\"header\":{\"revision\":\"8\"}}}",
            ScriptedEtcd.putEvent(9, B), "{\"result\":{\"header\":{\"revision\":\"10\"},\"events\":[{\"type\":\"DELETE\",\"kv\":{\"key\":\""
                + java.util.Base64.getEncoder().encodeToString(("/services/payments/" + A.id()).getBytes()) + "\"}}]}}"));

    Recorder recorder = watchUntilItEnds(backend(""));

    assertThat(recorder.seen).containsExactly("list@7 [10.0.0.1]", "change@9 +[10.0.0.2] -[]", "change@10 +[] -[" + A.id() + "]");
    assertThat(recorder.failures).singleElement().isInstanceOf(RegistryUnavailableException.class)
        .extracting(Throwable::getMessage).isEqualTo("etcd closed the watch stream of '/services/payments/'");
  }

  @Test
  void aCompactionAfterSomeEventsListsAgainOnlyThen() {
    ServiceInstance c = ServiceInstance.of("payments", "10.0.0.3:80");
    etcd.then("/v3/kv/range", 200, ScriptedEtcd.range(5, Map.of(ScriptedEtcd.key(A), ScriptedEtcd.json(A))))
        .then("/v3/watch", ScriptedEtcd.stream(ScriptedEtcd.CREATED, ScriptedEtcd.putEvent(6, c),
            "{\"result\":{\"header\":{\"raft_term\":\"2\"},\"canceled\":true,\"compact_revision\":\"8\"}}"))
        .then("/v3/kv/range", 200, ScriptedEtcd.range(9, Map.of(ScriptedEtcd.key(B), ScriptedEtcd.json(B))));
    Recorder recorder = new Recorder();
    backend("").watch("payments", recorder);

    await().atMost(Duration.ofSeconds(10)).until(() -> recorder.seen.size() == 3);
    assertThat(recorder.seen).containsExactly("list@5 [10.0.0.1]", "change@6 +[10.0.0.3] -[]", "list@9 [10.0.0.2]");
    List<ScriptedEtcd.Call> ranges = etcd.calls("/v3/kv/range");
    assertThat(EtcdGateway.fromBase64(ranges.get(0).body().path("key").asText())).isEqualTo("/services/payments/");
    assertThat(EtcdGateway.fromBase64(ranges.get(0).body().path("range_end").asText())).isEqualTo("/services/payments0");
    await().atMost(Duration.ofSeconds(10)).until(() -> etcd.calls("/v3/watch").size() == 2);
    assertThat(etcd.calls("/v3/watch").get(1).body().path("create_request").path("start_revision").asText()).isEqualTo("10");
    assertThat(recorder.failures).isEmpty();
  }

  @Test
  void aFailedListEndsTheWatchSayingWhy() {
    etcd.then("/v3/kv/range", 400, "{\"error\":\"etcdserver: permission denied\",\"code\":7}");

    Recorder recorder = watchUntilItEnds(backend(""));

    assertThat(recorder.seen).isEmpty();
    assertThat(recorder.failures).singleElement().extracting(Throwable::getMessage)
        .isEqualTo("etcd list of '/services/payments/' failed: etcdserver: permission denied");
  }

  @Test
  void aCancelWithoutAReasonSaysSo() {
    etcd.then("/v3/watch", ScriptedEtcd.stream(ScriptedEtcd.CREATED, "{\"result\":{\"canceled\":true}}"));

    Recorder recorder = watchUntilItEnds(backend(""));

    assertThat(recorder.failures).singleElement().extracting(Throwable::getMessage)
        .isEqualTo("etcd canceled the watch of '/services/payments/': no reason given");
  }

  @Test
  void aWatchRefusedWithUnauthorizedDropsTheTokenSoTheNextCallAuthenticatesAgain() {
    etcd.then("/v3/auth/authenticate", 200, "{\"token\":\"tok.1\"}")
        .then("/v3/watch", 401, "{}")
        .then("/v3/auth/authenticate", 200, "{\"token\":\"tok.2\"}");
    RegistryBackend backend = backend("alice:pw@");

    Recorder recorder = watchUntilItEnds(backend);
    backend.register(A, Duration.ofSeconds(10));

    assertThat(recorder.failures).singleElement().extracting(Throwable::getMessage)
        .isEqualTo("etcd watch of '/services/payments/' answered HTTP 401");
    assertThat(etcd.calls("/v3/auth/authenticate")).hasSize(2);
    assertThat(etcd.calls("/v3/lease/grant").get(0).headers().get("Authorization")).isEqualTo("tok.2");
  }

  @Test
  void anAuthErrorInsideTheStreamDropsTheToken() {
    etcd.then("/v3/auth/authenticate", 200, "{\"token\":\"tok.1\"}")
        .then("/v3/watch", ScriptedEtcd.stream("{\"error\":{\"grpc_code\":16,\"message\":\"etcdserver: invalid auth token\"}}"))
        .then("/v3/auth/authenticate", 200, "{\"token\":\"tok.2\"}");
    RegistryBackend backend = backend("alice:pw@");

    Recorder recorder = watchUntilItEnds(backend);
    backend.register(A, Duration.ofSeconds(10));

    assertThat(recorder.failures).singleElement().extracting(Throwable::getMessage).asString()
        .startsWith("etcd watch of '/services/payments/' failed: ").contains("invalid auth token");
    assertThat(etcd.calls("/v3/lease/grant").get(0).headers().get("Authorization")).isEqualTo("tok.2");
  }

  @Test
  void aCancelForAuthDropsTheTokenAndOtherErrorsKeepIt() {
    etcd.then("/v3/auth/authenticate", 200, "{\"token\":\"tok.1\"}")
        .then("/v3/watch", ScriptedEtcd.stream(ScriptedEtcd.CREATED,
            "{\"result\":{\"canceled\":true,\"cancel_reason\":\"rpc error: code = PermissionDenied desc = etcdserver: permission denied\"}}"));
    RegistryBackend backend = backend("alice:pw@");

    Recorder recorder = watchUntilItEnds(backend);
    backend.register(A, Duration.ofSeconds(10));

    assertThat(recorder.failures).singleElement().extracting(Throwable::getMessage).asString()
        .startsWith("etcd canceled the watch of '/services/payments/': rpc error");
    assertThat(etcd.calls("/v3/auth/authenticate")).as("a permission error is not a token error").hasSize(1);

    etcd.then("/v3/watch", ScriptedEtcd.stream(ScriptedEtcd.CREATED,
        "{\"result\":{\"canceled\":true,\"cancel_reason\":\"etcdserver: invalid auth token\"}}"));
    etcd.then("/v3/auth/authenticate", 200, "{\"token\":\"tok.2\"}");
    watchUntilItEnds(backend);
    backend.register(B, Duration.ofSeconds(10));
    assertThat(etcd.calls("/v3/auth/authenticate")).hasSize(2);
  }

  @Test
  void aClosedWatchDeliversNothingMore() throws Exception {
    etcd.then("/v3/kv/range", 200, ScriptedEtcd.range(7, Map.of(ScriptedEtcd.key(A), ScriptedEtcd.json(A))));
    Recorder recorder = new Recorder();
    WatchHandle watch = backend("").watch("payments", recorder);
    await().atMost(Duration.ofSeconds(10)).until(() -> etcd.paths().contains("/v3/watch"));

    watch.close();
    etcd.close(); // ends the held stream

    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> recorder.failures.isEmpty());
    assertThat(recorder.seen).containsExactly("list@7 [10.0.0.1]");
  }
}
