package io.discovery.client.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.discovery.client.ServiceInstance;
import io.discovery.client.internal.InstanceCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * An etcd JSON gateway on mockwebserver for failures a real etcd can't easily be made to show.
 * Answers like etcd 3.4 by default (int64 as strings, default fields omitted); tests queue other
 * answers per path. A watch with nothing queued stays open until {@link #close()}.
 */
final class ScriptedEtcd extends Dispatcher implements AutoCloseable {
  record Call(String path, JsonNode body, okhttp3.Headers headers) {
  }

  final MockWebServer server = new MockWebServer();
  final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<String, Deque<MockResponse>> queued = new ConcurrentHashMap<>();
  private final CountDownLatch released = new CountDownLatch(1);
  private final AtomicLong leases = new AtomicLong(7_000_000_000L);
  /** The last put of each key (base64), which a range of that one key answers with. */
  private final Map<String, JsonNode> written = new ConcurrentHashMap<>();

  ScriptedEtcd() {
    server.setDispatcher(this);
    server.setServerSocketFactory(io.discovery.client.NoDelayServerSockets.INSTANCE);
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String uri() {
    return "etcd://127.0.0.1:" + server.getPort();
  }

  /** A backend for this server made from its URI, with {@code userInfo} ("user:password@" or "") for auth. */
  io.discovery.client.spi.RegistryBackend backend(String userInfo) {
    return new EtcdBackendFactory().create(java.net.URI.create("etcd://" + userInfo + "127.0.0.1:" + server.getPort()),
        new io.discovery.client.spi.BackendContext(new io.discovery.testing.ManualScheduler(), java.time.Duration.ofSeconds(10)));
  }

  /** The next call to {@code path} gets {@code response}. */
  ScriptedEtcd then(String path, MockResponse response) {
    queued.computeIfAbsent(path, p -> new ArrayDeque<>()).add(response);
    return this;
  }

  ScriptedEtcd then(String path, int status, String json) {
    return then(path, new MockResponse.Builder().code(status).body(json).build());
  }

  List<String> paths() {
    return calls.stream().map(Call::path).toList();
  }

  List<Call> calls(String path) {
    return calls.stream().filter(c -> c.path().equals(path)).toList();
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
    String path = request.getUrl().encodedPath();
    JsonNode body;
    try {
      body = EtcdGateway.JSON.readTree(request.getBody() == null ? "{}" : request.getBody().utf8());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    calls.add(new Call(path, body, request.getHeaders()));
    Deque<MockResponse> script = queued.get(path);
    synchronized (this) {
      if (script != null && !script.isEmpty()) {
        return script.poll();
      }
    }
    if (path.equals("/v3/kv/put")) {
      written.put(body.path("key").asText(), body);
    }
    if (path.equals("/v3/kv/range") && !body.has("range_end") && written.containsKey(body.path("key").asText())) {
      JsonNode put = written.get(body.path("key").asText());
      return ok("{\"header\":{\"revision\":\"4\"},\"kvs\":[{\"key\":\"" + put.path("key").asText() + "\",\"value\":\""
          + put.path("value").asText() + "\",\"lease\":\"" + put.path("lease").asText() + "\"}],\"count\":\"1\"}");
    }
    return switch (path) {
      case "/v3/lease/grant" -> ok("{\"header\":{\"revision\":\"3\"},\"ID\":\"" + leases.incrementAndGet() + "\",\"TTL\":\"10\"}");
      case "/v3/kv/put", "/v3/lease/revoke", "/v3/kv/txn" -> ok("{\"header\":{\"revision\":\"4\"}}");
      case "/v3/lease/keepalive" -> ok("{\"result\":{\"header\":{\"revision\":\"4\"},\"ID\":\"" + body.path("ID").asText() + "\",\"TTL\":\"10\"}}");
      case "/v3/kv/range" -> body.path("count_only").asBoolean() ? ok("{\"header\":{\"revision\":\"4\"},\"count\":\"1\"}")
          : ok("{\"header\":{\"revision\":\"4\"}}");
      case "/v3/watch" -> {
        released.await(30, TimeUnit.SECONDS);
        yield ok("");
      }
      default -> new MockResponse.Builder().code(404).body("{\"error\":\"Not Found\",\"code\":5}").build();
    };
  }

  static MockResponse ok(String json) {
    return new MockResponse.Builder().code(200).body(json).build();
  }

  /** A range answer at {@code revision} holding {@code values} under their keys. */
  static String range(long revision, Map<String, String> values) {
    ObjectNode node = EtcdGateway.JSON.createObjectNode();
    node.putObject("header").put("revision", Long.toString(revision));
    if (!values.isEmpty()) {
      ArrayNode kvs = node.putArray("kvs");
      values.forEach((k, v) -> kvs.addObject()
          .put("key", EtcdGateway.base64(k))
          .put("value", EtcdGateway.base64(v))
          .put("mod_revision", Long.toString(revision)));
      node.put("count", Integer.toString(values.size()));
    }
    return node.toString();
  }

  static String key(ServiceInstance instance) {
    return "/services/" + instance.service() + "/" + instance.id();
  }

  static String json(ServiceInstance instance) {
    return InstanceCodec.toJson(instance);
  }

  /** A watch stream: one JSON message a line, as the gateway streams them. */
  static MockResponse stream(String... messages) {
    return new MockResponse.Builder().code(200).chunkedBody(String.join("\n", messages) + "\n", 64).build();
  }

  static String putEvent(long revision, ServiceInstance instance) {
    return "{\"result\":{\"header\":{\"revision\":\"" + revision + "\"},\"events\":[{\"kv\":{\"key\":\""
        + EtcdGateway.base64(key(instance)) + "\",\"value\":\"" + EtcdGateway.base64(json(instance))
        + "\",\"mod_revision\":\"" + revision + "\"}}]}}";
  }

  /** One watch message holding {@code events} (from {@link #put} and {@link #delete}) at {@code revision}. */
  static String events(long revision, String... events) {
    return "{\"result\":{\"header\":{\"revision\":\"" + revision + "\"},\"events\":[" + String.join(",", events) + "]}}";
  }

  static String put(long revision, String key, String value) {
    return "{\"kv\":{\"key\":\"" + EtcdGateway.base64(key) + "\",\"value\":\"" + EtcdGateway.base64(value)
        + "\",\"mod_revision\":\"" + revision + "\"}}";
  }

  static String delete(long revision, String key) {
    return "{\"type\":\"DELETE\",\"kv\":{\"key\":\"" + EtcdGateway.base64(key) + "\",\"mod_revision\":\"" + revision + "\"}}";
  }

  static final String CREATED = "{\"result\":{\"header\":{\"revision\":\"4\"},\"created\":true}}";

  @Override
  public void close() {
    released.countDown();
    server.close();
  }
}
