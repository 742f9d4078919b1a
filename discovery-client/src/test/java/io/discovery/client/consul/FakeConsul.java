package io.discovery.client.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;

/**
 * A Consul agent for tests, on mockwebserver: keeps services and checks in memory and follows the
 * documented behaviour of the endpoints the backend uses.
 * <ul>
 *   <li>{@code PUT /v1/agent/service/register} (https://developer.hashicorp.com/consul/api-docs/agent/service#register-service):
 *       ID defaults to Name; a check without CheckID is {@code service:<id>} ({@code service:<id>:<n>} from 1 when
 *       there are several); new checks start critical unless Status says otherwise; HTTP, TCP and Args checks
 *       need an Interval (400 otherwise).</li>
 *   <li>{@code PUT /v1/agent/service/deregister/<id>}: a no-op for an unknown id.</li>
 *   <li>{@code PUT /v1/agent/check/pass|warn|fail/<id>} (https://developer.hashicorp.com/consul/api-docs/agent/check#ttl-check-pass):
 *       404 for an unknown check; a TTL check not updated within its TTL turns critical with output "TTL expired".</li>
 *   <li>{@code DeregisterCriticalServiceAfter}: a service whose check stays critical that long (at least 1 minute,
 *       Consul's minimum) is removed; Consul's reaper runs every 30 s, the fake's on every request and {@link #advance}.</li>
 *   <li>{@code GET /v1/health/service/<name>?passing&index&wait} (https://developer.hashicorp.com/consul/api-docs/health#list-service-instances-for-service):
 *       entries of Node, Service, Checks (the node's serfHealth included); {@code passing} drops entries with any
 *       non-passing check; a blocking query is held until the index moves past {@code index} or {@code wait} ends
 *       (https://developer.hashicorp.com/consul/api-docs/features/blocking); {@code X-Consul-Index} on every answer.</li>
 *   <li>{@code GET /v1/health/state/critical}: a flat array of checks.</li>
 *   <li>ACLs: with a required token, a request without the right {@code X-Consul-Token} gets 403 "Permission denied".</li>
 * </ul>
 * Time is fake ({@link #advance}); {@link #restart()} forgets everything and starts the index again at 1.
 */
final class FakeConsul extends Dispatcher implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MIN_DEREGISTER_MILLIS = 60_000;

  final MockWebServer server = new MockWebServer();
  final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final Map<String, ObjectNode> services = new LinkedHashMap<>();
  private final Map<String, CheckState> checks = new LinkedHashMap<>();
  private long index = 1;
  private long nowMillis;
  private String requiredToken;
  private int failWith;
  private boolean closed;

  private static final class CheckState {
    String id;
    String name;
    String serviceId;
    long ttlMillis;
    long deregisterAfterMillis;
    String status;
    String output = "";
    long lastUpdate;
    long criticalSince;
  }

  FakeConsul() {
    this(null);
  }

  /** An agent serving HTTPS with {@code certificates} and requiring a client certificate (mTLS); plain HTTP when null. */
  FakeConsul(okhttp3.tls.HandshakeCertificates certificates) {
    server.setDispatcher(this);
    if (certificates != null) {
      server.useHttps(certificates.sslSocketFactory());
      server.requireClientAuth();
    }
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String uri() {
    return "consul://127.0.0.1:" + server.getPort();
  }

  String httpsUri() {
    return "consul+https://localhost:" + server.getPort();
  }

  synchronized void requireToken(String token) {
    requiredToken = token;
  }

  /** Every request gets {@code status} (0: none) until changed. */
  synchronized void failWith(int status) {
    failWith = status;
  }

  /** Moves fake time on, expiring TTL checks and reaping services as the agent would. */
  synchronized void advance(Duration amount) {
    nowMillis += amount.toMillis();
    evaluate();
  }

  /** The agent restarts: services, checks and the index are gone. */
  synchronized void restart() {
    services.clear();
    checks.clear();
    index = 1;
    notifyAll();
  }

  synchronized long index() {
    return index;
  }

  synchronized Map<String, String> checkStatuses() {
    Map<String, String> statuses = new LinkedHashMap<>();
    checks.values().forEach(c -> statuses.put(c.id, c.status));
    return statuses;
  }

  synchronized ObjectNode service(String id) {
    ObjectNode s = services.get(id);
    return s == null ? null : s.deepCopy();
  }

  /** Registers a service as another agent client would (with one passing TTL check). */
  void registerDirectly(String json) {
    String token;
    synchronized (this) {
      token = requiredToken;
    }
    MockResponse response = handle("PUT", HttpUrl.get(server.url("/v1/agent/service/register").toString()), json, token);
    if (response.getCode() != 200) {
      throw new IllegalStateException("fake refused " + json);
    }
  }

  List<String> paths(String prefix) {
    return requests.stream().map(r -> r.getUrl().encodedPath()).filter(p -> p.startsWith(prefix)).toList();
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
    requests.add(request);
    String body = request.getBody() == null ? "" : request.getBody().utf8();
    return handle(request.getMethod(), request.getUrl(), body, request.getHeaders().get("X-Consul-Token"));
  }

  private synchronized MockResponse handle(String method, HttpUrl url, String body, String token) {
    if (failWith != 0) {
      return text(failWith, "injected failure");
    }
    if (requiredToken != null && !requiredToken.equals(token)) {
      return text(403, "Permission denied");
    }
    evaluate();
    String path = url.encodedPath();
    try {
      if (method.equals("PUT") && path.equals("/v1/agent/service/register")) {
        return register((ObjectNode) JSON.readTree(body));
      }
      if (method.equals("PUT") && path.startsWith("/v1/agent/service/deregister/")) {
        String id = url.pathSegments().get(4);
        if (services.remove(id) != null) {
          checks.values().removeIf(c -> id.equals(c.serviceId));
          changed();
        }
        return text(200, "");
      }
      if (method.equals("PUT") && path.startsWith("/v1/agent/check/")) {
        return updateCheck(url.pathSegments().get(3), url.pathSegments().get(4), url.queryParameter("note"));
      }
      if (method.equals("GET") && path.startsWith("/v1/health/service/")) {
        return health(url);
      }
      if (method.equals("GET") && path.equals("/v1/health/state/critical")) {
        ArrayNode out = JSON.createArrayNode();
        checks.values().stream().filter(c -> c.status.equals("critical")).forEach(c -> out.add(checkJson(c)));
        return json(out);
      }
    } catch (IOException e) {
      return text(400, "Request decode failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return text(500, "interrupted");
    }
    return text(404, "no such endpoint in the fake: " + method + " " + path);
  }

  private MockResponse register(ObjectNode def) {
    String name = def.path("Name").asText("");
    if (name.isEmpty()) {
      return text(400, "Missing service name");
    }
    String id = def.path("ID").asText(name);
    def.put("ID", id);
    List<JsonNode> defs = new ArrayList<>();
    if (def.has("Check")) {
      defs.add(def.get("Check"));
    }
    def.path("Checks").forEach(defs::add);
    List<CheckState> created = new ArrayList<>();
    for (int i = 0; i < defs.size(); i++) {
      JsonNode c = defs.get(i);
      boolean ttl = c.has("TTL");
      if (!ttl && (c.has("HTTP") || c.has("TCP") || c.has("Args")) && millis(c.path("Interval").asText("")) <= 0) {
        return text(400, "Interval must be > 0 for Script, HTTP, or TCP checks");
      }
      CheckState state = new CheckState();
      state.id = c.path("CheckID").asText(defs.size() == 1 ? "service:" + id : "service:" + id + ":" + (i + 1));
      state.name = c.path("Name").asText("Service '" + name + "' check");
      state.serviceId = id;
      state.ttlMillis = ttl ? millis(c.get("TTL").asText()) : 0;
      state.deregisterAfterMillis = c.has("DeregisterCriticalServiceAfter")
          ? Math.max(MIN_DEREGISTER_MILLIS, millis(c.get("DeregisterCriticalServiceAfter").asText())) : 0;
      state.status = c.path("Status").asText("critical");
      state.lastUpdate = nowMillis;
      state.criticalSince = nowMillis;
      created.add(state);
    }
    checks.values().removeIf(c -> id.equals(c.serviceId));
    created.forEach(c -> checks.put(c.id, c));
    def.remove("Check");
    def.remove("Checks");
    ArrayNode definitions = def.putArray("CheckDefinitions");
    defs.forEach(d -> definitions.add(d.deepCopy()));
    services.put(id, def);
    changed();
    return text(200, "");
  }

  private MockResponse updateCheck(String verb, String id, String note) {
    CheckState c = checks.get(id);
    if (c == null) {
      return text(404, "Unknown check ID \"" + id + "\". Ensure that the check ID is passed, not the check name.");
    }
    if (c.ttlMillis == 0) {
      return text(500, "CheckID \"" + id + "\" does not have associated TTL");
    }
    String status = switch (verb) {
      case "pass" -> "passing";
      case "warn" -> "warning";
      default -> "critical";
    };
    c.lastUpdate = nowMillis;
    c.output = note == null ? "" : note;
    if (!status.equals(c.status)) {
      c.status = status;
      c.criticalSince = nowMillis;
      changed();
    }
    return text(200, "");
  }

  private MockResponse health(HttpUrl url) throws InterruptedException {
    String name = url.pathSegments().get(3);
    String since = url.queryParameter("index");
    long asked = since == null ? 0 : Long.parseLong(since);
    long waitMillis = url.queryParameter("wait") == null ? 300_000 : millis(url.queryParameter("wait"));
    long deadline = System.nanoTime() + waitMillis * 1_000_000;
    while (asked > 0 && index <= asked && !closed) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        break;
      }
      wait(left);
    }
    boolean passingOnly = url.queryParameterNames().contains("passing");
    ArrayNode out = JSON.createArrayNode();
    for (ObjectNode def : services.values()) {
      if (!def.path("Name").asText().equals(name)) {
        continue;
      }
      List<CheckState> own = checks.values().stream().filter(c -> c.serviceId.equals(def.get("ID").asText())).toList();
      if (passingOnly && own.stream().anyMatch(c -> !c.status.equals("passing"))) {
        continue;
      }
      ObjectNode entry = out.addObject();
      entry.putObject("Node").put("Node", "fake-node").put("Address", "127.0.0.1").put("Datacenter", "dc1");
      ObjectNode s = entry.putObject("Service");
      s.put("ID", def.get("ID").asText());
      s.put("Service", name);
      s.set("Tags", def.has("Tags") ? def.get("Tags") : JSON.createArrayNode());
      s.put("Address", def.path("Address").asText(""));
      s.set("Meta", def.has("Meta") ? def.get("Meta") : JSON.createObjectNode());
      s.put("Port", def.path("Port").asInt(0));
      s.set("Weights", def.has("Weights") ? def.get("Weights") : JSON.createObjectNode().put("Passing", 1).put("Warning", 1));
      ArrayNode cs = entry.putArray("Checks");
      cs.addObject().put("Node", "fake-node").put("CheckID", "serfHealth").put("Name", "Serf Health Status").put("Status", "passing");
      own.forEach(c -> cs.add(checkJson(c)));
    }
    return new MockResponse.Builder().code(200).addHeader("X-Consul-Index", Long.toString(index))
        .addHeader("Content-Type", "application/json").body(out.toString()).build();
  }

  private ObjectNode checkJson(CheckState c) {
    ObjectNode node = JSON.createObjectNode();
    ObjectNode service = services.get(c.serviceId);
    node.put("Node", "fake-node").put("CheckID", c.id).put("Name", c.name).put("Status", c.status).put("Output", c.output)
        .put("ServiceID", c.serviceId).put("ServiceName", service == null ? "" : service.path("Name").asText());
    return node;
  }

  /** TTL expiry and the critical reaper, at the fake's current time. */
  private void evaluate() {
    boolean changed = false;
    for (CheckState c : checks.values()) {
      if (c.ttlMillis > 0 && !c.status.equals("critical") && nowMillis - c.lastUpdate > c.ttlMillis) {
        c.status = "critical";
        c.output = "TTL expired";
        c.criticalSince = nowMillis;
        changed = true;
      }
    }
    List<String> reaped = checks.values().stream()
        .filter(c -> c.status.equals("critical") && c.deregisterAfterMillis > 0 && nowMillis - c.criticalSince >= c.deregisterAfterMillis)
        .map(c -> c.serviceId).distinct().toList();
    for (String id : reaped) {
      services.remove(id);
      checks.values().removeIf(c -> id.equals(c.serviceId));
      changed = true;
    }
    if (changed) {
      changed();
    }
  }

  private void changed() {
    index++;
    notifyAll();
  }

  /** A Go duration as Consul takes it: "10s", "1500ms", "1m". */
  static long millis(String duration) {
    if (duration.endsWith("ms")) {
      return Long.parseLong(duration.substring(0, duration.length() - 2));
    }
    if (duration.endsWith("s")) {
      return (long) (Double.parseDouble(duration.substring(0, duration.length() - 1)) * 1000);
    }
    if (duration.endsWith("m")) {
      return Long.parseLong(duration.substring(0, duration.length() - 1)) * 60_000;
    }
    return duration.isEmpty() ? 0 : Long.parseLong(duration);
  }

  private static MockResponse text(int code, String body) {
    return new MockResponse.Builder().code(code).body(body).build();
  }

  private static MockResponse json(JsonNode body) {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body.toString()).build();
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    server.close();
  }
}
