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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;

/**
 * A Consul agent for tests, on mockwebserver, following Consul's source (files of 1.17 and later, read for
 * 1.21; paths in its repository) where the docs leave behaviour open:
 * <ul>
 *   <li>{@code PUT /v1/agent/service/register} (agent/agent_endpoint.go AgentRegisterService, agent/agent.go
 *       addServiceInternal): the ID defaults to the name (agent/structs/service_definition.go); an address of
 *       0.0.0.0 or :: is refused before the ACL check, then Weights (agent/structs/structs.go ValidateWeights:
 *       Passing 1 to 65535) and Meta (ValidateServiceMetadata: keys {@code [A-Za-z0-9_-]}, at most 128, no
 *       {@code consul-} prefix; values at most 512 bytes; at most 64 pairs), all 400 with
 *       {@link FakeConsulRules}'s messages. A check without CheckID is {@code service:<id>} ({@code service:<id>:<n>} from 1 when there are
 *       several); new checks start critical unless Status says otherwise. With {@code replace-existing-checks}
 *       the service's checks missing from the request are removed; a check that keeps its ID keeps its status
 *       and output. Script checks ({@code Args}) are refused with a 500 unless {@link #enableScriptChecks()}
 *       (agent/agent.go: "Scripts are disabled on this agent from remote calls").</li>
 *   <li>{@code PUT /v1/agent/check/pass|warn|fail/<id>}: an unknown check answers as the agent version set by
 *       {@link #agentVersion}: 404 {@code Unknown check ID} (current), 500 {@code Unknown check} (1.11.0-1.11.1),
 *       500 {@code CheckID "..." does not have associated TTL} (up to 1.10, ACLs off); the current answer is from
 *       agent/acl.go vetCheckUpdateWithAuthorizer, the older two as the Consul issue reports gave them. A TTL check not passed
 *       within its TTL turns critical with output "TTL expired".</li>
 *   <li>The reaper (agent/agent.go reapServicesInternal, check_reap_interval 30 s) runs every 30 s of fake time
 *       and removes a service with a check critical for longer than that check's
 *       {@code DeregisterCriticalServiceAfter} (raised to check_deregister_interval_min, 1 minute), counted from
 *       the first critical update (local.State.UpdateCheck: registering a check as critical does not start it,
 *       any other status clears it).</li>
 *   <li>{@code GET /v1/health/service/<name>?passing&index&wait}: entries of Node, Service and Checks (the
 *       node's serfHealth, and _node_maintenance while the node is in maintenance); names match ignoring case,
 *       as the catalog indexes them. {@code passing} drops an entry with any non-passing check, node checks
 *       included (agent/health_endpoint.go filterNonPassing). {@code X-Consul-Index} is the service's own index,
 *       raised by every change to its entries, their checks and their nodes (agent/consul/state/catalog.go
 *       catalogServiceMaxIndex, updateAllServiceIndexesOfNode), or the last extinction index when it has no
 *       instances; taken before the passing and ACL filters, never below 1 (agent/http.go setIndex), and not
 *       reset when the agent restarts. A blocking query waits until that index passes {@code index}, for at most
 *       {@code wait} (clamped to 10 min) plus up to wait/16 of jitter (agent/structs: maxQueryTime, jitter).</li>
 *   <li>{@code GET /v1/health/state/critical}: a flat array of checks.</li>
 *   <li>{@code GET /v1/catalog/services}: service names with their tags, Consul's own service included.</li>
 *   <li>ACLs as {@link FakeAcl} describes: 403 with Consul's own bodies for writes, 200 with entries filtered
 *       for reads.</li>
 *   <li>{@link #restart()} keeps services registered through the API with their check state (the agent
 *       persists them in its data directory); {@link #wipeDataDir()} loses them; {@link #restartDevAgent()}
 *       loses everything including the index, as a {@code -dev} agent does.</li>
 * </ul>
 */
final class FakeConsul extends Dispatcher implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String LOCAL_NODE = "fake-node";
  private static final long MIN_DEREGISTER_MILLIS = 60_000;
  private static final long REAP_INTERVAL_MILLIS = 30_000;
  private static final long MAX_WAIT_MILLIS = 600_000;
  private static final long NOT_CRITICAL = -1;

  final MockWebServer server = new MockWebServer();
  final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final FakeAcl acl = new FakeAcl();
  /** Catalog entries by node + "/" + service ID. */
  private final Map<String, Entry> services = new LinkedHashMap<>();
  /** Checks by node + "/" + check ID; node checks have no service. */
  private final Map<String, CheckState> checks = new LinkedHashMap<>();
  private final Map<String, String> nodeAddresses = new LinkedHashMap<>();
  /** Each service's own index by lower-case name: raised by every change to its entries, checks or nodes. */
  private final Map<String, Long> serviceIndexes = new java.util.HashMap<>();
  private long index = 1;
  /** The index at which the last instance of a service was removed: a service without entries answers it. */
  private long extinctionIndex = 1;
  private long nowMillis;
  private long nextReapMillis = REAP_INTERVAL_MILLIS;
  private int failWith;
  private boolean scriptChecks;
  private String agentVersion = "1.21.0";
  private boolean closed;

  private static final class Entry {
    String node;
    ObjectNode def;
    long modifyIndex;
  }

  private static final class CheckState {
    String node;
    String id;
    String name;
    String serviceId;
    long ttlMillis;
    long deregisterAfterMillis;
    String status;
    String output = "";
    long lastUpdate;
    long criticalSince;
    long modifyIndex;
  }

  FakeConsul() {
    this(null);
  }

  /** An agent serving HTTPS with {@code certificates} and requiring a client certificate (mTLS); plain HTTP when null. */
  FakeConsul(okhttp3.tls.HandshakeCertificates certificates) {
    server.setDispatcher(this);
    server.setServerSocketFactory(io.discovery.client.NoDelayServerSockets.INSTANCE);
    addNode(LOCAL_NODE, "127.0.0.1");
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

  /** Turns ACLs on with {@code token} holding every right. */
  synchronized void requireToken(String token) {
    acl.add(token, "11111111-2222-3333-4444-555555555555", Set.of("service:write", "node:read"));
  }

  /** Adds an ACL token with {@code rights} ("service:read", "service:write", "node:read"). */
  synchronized void addToken(String secret, String accessorId, String... rights) {
    acl.add(secret, accessorId, Set.of(rights));
  }

  /** Every request gets {@code status} (0: none) until changed. */
  synchronized void failWith(int status) {
    failWith = status;
  }

  /** Lets registrations carry script checks, as {@code enable_script_checks = true} does. */
  synchronized void enableScriptChecks() {
    scriptChecks = true;
  }

  /** Answers unknown checks as this agent version does ("1.10.0", "1.11.0", or newer). */
  synchronized void agentVersion(String version) {
    agentVersion = version;
  }

  /** Moves fake time on, expiring TTL checks, and running the reaper every 30 s of it. */
  synchronized void advance(Duration amount) {
    long target = nowMillis + amount.toMillis();
    while (nextReapMillis <= target) {
      nowMillis = nextReapMillis;
      expireTtls();
      reap();
      nextReapMillis += REAP_INTERVAL_MILLIS;
    }
    nowMillis = target;
    expireTtls();
  }

  /** The agent restarts with its data directory: services registered through the API and their checks stay. */
  synchronized void restart() {
    notifyAll();
  }

  /** The agent lost its data directory: its services are gone from the catalog (a change: the index moves on). */
  synchronized void wipeDataDir() {
    List<String> ids = services.values().stream().filter(e -> e.node.equals(LOCAL_NODE)).map(e -> e.def.get("ID").asText()).toList();
    ids.forEach(id -> remove(LOCAL_NODE, id));
  }

  /** A {@code -dev} agent restarts: it kept everything in memory, so services, checks and the index are gone. */
  synchronized void restartDevAgent() {
    services.clear();
    serviceIndexes.clear();
    checks.values().removeIf(c -> c.serviceId != null);
    index = 1;
    extinctionIndex = 1;
    notifyAll();
  }

  /** Another node joins the catalog, with a passing serfHealth check. */
  synchronized void addNode(String node, String address) {
    nodeAddresses.put(node, address);
    CheckState serf = new CheckState();
    serf.node = node;
    serf.id = "serfHealth";
    serf.name = "Serf Health Status";
    serf.status = "passing";
    serf.output = "Agent alive and reachable";
    serf.modifyIndex = ++index;
    checks.put(node + "/serfHealth", serf);
  }

  /** The node's serfHealth check turns {@code status} (e.g. "critical" when the node fails). */
  synchronized void nodeHealth(String node, String status) {
    setStatus(checks.get(node + "/serfHealth"), status);
  }

  /** Puts {@code node} in maintenance mode (a critical _node_maintenance check) or takes it out. */
  synchronized void nodeMaintenance(String node, boolean on) {
    if (on) {
      CheckState m = new CheckState();
      m.node = node;
      m.id = "_node_maintenance";
      m.name = "Node Maintenance Mode";
      m.status = "critical";
      m.criticalSince = NOT_CRITICAL;
      m.modifyIndex = touchNode(node);
      checks.put(node + "/_node_maintenance", m);
    } else if (checks.remove(node + "/_node_maintenance") != null) {
      touchNode(node);
    }
    notifyAll();
  }

  /** Sets a check's status as the agent's own probe (HTTP, TCP, script) would. */
  synchronized void setCheck(String checkId, String status, String output) {
    CheckState c = checks.get(LOCAL_NODE + "/" + checkId);
    setStatus(c, status);
    c.output = output;
  }

  synchronized long index() {
    return index;
  }

  synchronized Map<String, String> checkStatuses() {
    Map<String, String> statuses = new LinkedHashMap<>();
    checks.values().stream().filter(c -> c.node.equals(LOCAL_NODE) && c.serviceId != null).forEach(c -> statuses.put(c.id, c.status));
    return statuses;
  }

  /** The definition of a service registered on this agent, or null. */
  synchronized ObjectNode service(String id) {
    Entry e = services.get(LOCAL_NODE + "/" + id);
    return e == null ? null : e.def.deepCopy();
  }

  /** Registers a service on this agent as another client would (with the required token, if any). */
  void registerDirectly(String json) {
    registerOn(LOCAL_NODE, json);
  }

  /** Registers a service on {@code node} as that node's agent would. */
  synchronized void registerOn(String node, String json) {
    try {
      MockResponse response = register(node, (ObjectNode) JSON.readTree(json), true, null, true);
      if (response.getCode() != 200) {
        throw new IllegalStateException("fake refused " + json);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
    if (acl.unknown(token)) {
      return text(403, "ACL not found");
    }
    expireTtls();
    String path = url.encodedPath();
    try {
      if (method.equals("PUT") && path.equals("/v1/agent/service/register")) {
        return register(LOCAL_NODE, (ObjectNode) JSON.readTree(body), url.queryParameter("replace-existing-checks") != null,
            token, false);
      }
      if (method.equals("PUT") && path.startsWith("/v1/agent/service/deregister/")) {
        return deregister(url.pathSegments().get(4), token);
      }
      if (method.equals("PUT") && path.startsWith("/v1/agent/check/")) {
        return updateCheck(url.pathSegments().get(3), url.pathSegments().get(4), url.queryParameter("note"), token);
      }
      if (method.equals("GET") && path.startsWith("/v1/health/service/")) {
        return health(url, token);
      }
      if (method.equals("GET") && path.equals("/v1/catalog/services")) {
        return catalogServices(token);
      }
      if (method.equals("GET") && path.equals("/v1/health/state/critical")) {
        return critical(token);
      }
    } catch (IOException e) {
      return text(400, "Request decode failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return text(500, "interrupted");
    }
    return text(404, "no such endpoint in the fake: " + method + " " + path);
  }

  private MockResponse register(String node, ObjectNode def, boolean replaceChecks, String token, boolean trusted) {
    String name = def.path("Name").asText("");
    if (name.isEmpty()) {
      return text(400, "Missing service name");
    }
    String anyAddress = FakeConsulRules.invalidAddress(def);
    if (anyAddress != null) {
      return text(400, anyAddress);
    }
    if (!trusted && !acl.allows(token, "service:write")) {
      return text(403, acl.denied(token, "service:write", name));
    }
    String invalid = FakeConsulRules.invalidService(def);
    if (invalid != null) {
      return text(400, invalid);
    }
    String id = def.path("ID").asText("");
    if (id.isEmpty()) {
      id = name;
    }
    def.put("ID", id);
    List<JsonNode> defs = new ArrayList<>();
    if (def.has("Check")) {
      defs.add(def.get("Check"));
    }
    def.path("Checks").forEach(defs::add);
    List<CheckState> wanted = new ArrayList<>();
    for (int i = 0; i < defs.size(); i++) {
      JsonNode c = defs.get(i);
      boolean ttl = c.has("TTL");
      if (c.has("Args") && !scriptChecks) {
        return text(500, FakeConsulRules.SCRIPTS_DISABLED);
      }
      if (!ttl && (c.has("HTTP") || c.has("TCP") || c.has("Args")) && millis(c.path("Interval").asText("")) <= 0) {
        return text(400, "Interval must be > 0 for Script, HTTP, or TCP checks");
      }
      CheckState state = new CheckState();
      state.node = node;
      state.id = c.path("CheckID").asText(defs.size() == 1 ? "service:" + id : "service:" + id + ":" + (i + 1));
      state.name = c.path("Name").asText("Service '" + name + "' check");
      state.serviceId = id;
      state.ttlMillis = ttl ? millis(c.get("TTL").asText()) : 0;
      state.deregisterAfterMillis = c.has("DeregisterCriticalServiceAfter")
          ? Math.max(MIN_DEREGISTER_MILLIS, millis(c.get("DeregisterCriticalServiceAfter").asText())) : 0;
      state.status = c.path("Status").asText("critical");
      state.lastUpdate = nowMillis;
      state.criticalSince = NOT_CRITICAL; // registering a critical check does not start its critical time
      wanted.add(state);
    }
    String serviceId = id;
    long changedAt = touch(name);
    for (CheckState c : wanted) {
      CheckState existing = checks.get(node + "/" + c.id);
      if (existing != null) {
        // Same ID: the check keeps its status and output.
        c.status = existing.status;
        c.output = existing.output;
        c.criticalSince = existing.criticalSince;
      }
      c.modifyIndex = changedAt;
      checks.put(node + "/" + c.id, c);
    }
    if (replaceChecks) {
      checks.values().removeIf(c -> c.node.equals(node) && serviceId.equals(c.serviceId)
          && wanted.stream().noneMatch(w -> w.id.equals(c.id)));
    }
    def.remove("Check");
    def.remove("Checks");
    ArrayNode definitions = def.putArray("CheckDefinitions");
    defs.forEach(d -> definitions.add(d.deepCopy()));
    Entry entry = new Entry();
    entry.node = node;
    entry.def = def;
    entry.modifyIndex = changedAt;
    services.put(node + "/" + id, entry);
    notifyAll();
    return text(200, "");
  }

  private MockResponse deregister(String id, String token) {
    Entry entry = services.get(LOCAL_NODE + "/" + id);
    if (entry == null) {
      return text(200, "");
    }
    String name = entry.def.path("Name").asText();
    if (!acl.allows(token, "service:write")) {
      return text(403, acl.denied(token, "service:write", name));
    }
    remove(LOCAL_NODE, id);
    return text(200, "");
  }

  private void remove(String node, String id) {
    Entry removed = services.remove(node + "/" + id);
    checks.values().removeIf(c -> c.node.equals(node) && id.equals(c.serviceId));
    if (removed != null) {
      String name = removed.def.path("Name").asText();
      touch(name);
      if (services.values().stream().noneMatch(e -> e.def.path("Name").asText().equalsIgnoreCase(name))) {
        extinctionIndex = index;
        serviceIndexes.remove(name.toLowerCase(Locale.ROOT));
      }
    }
    notifyAll();
  }

  /** A change to {@code name}'s entries or checks: bumps the raft index and that service's own index. */
  private long touch(String name) {
    serviceIndexes.put(name.toLowerCase(Locale.ROOT), ++index);
    return index;
  }

  /** A change to a node: every service on it gets a new index (updateAllServiceIndexesOfNode). */
  private long touchNode(String node) {
    long at = ++index;
    services.values().stream().filter(e -> e.node.equals(node))
        .forEach(e -> serviceIndexes.put(e.def.path("Name").asText().toLowerCase(Locale.ROOT), at));
    return at;
  }

  private MockResponse updateCheck(String verb, String id, String note, String token) {
    CheckState c = checks.get(LOCAL_NODE + "/" + id);
    if (c == null) {
      if (agentVersion.startsWith("1.10.") || agentVersion.startsWith("1.9.")) {
        return text(500, "CheckID \"" + id + "\" does not have associated TTL");
      }
      if (agentVersion.startsWith("1.11.0") || agentVersion.startsWith("1.11.1")) {
        return text(500, "Unknown check \"" + id + "\"");
      }
      return text(404, "Unknown check ID \"" + id + "\". Ensure that the check ID is passed, not the check name.");
    }
    Entry entry = services.get(LOCAL_NODE + "/" + c.serviceId);
    String name = entry == null ? c.serviceId : entry.def.path("Name").asText();
    if (!acl.allows(token, "service:write")) {
      return text(403, acl.denied(token, "service:write", name));
    }
    if (c.ttlMillis == 0) {
      return text(500, "CheckID \"" + id + "\" does not have associated TTL");
    }
    c.lastUpdate = nowMillis;
    c.output = note == null ? "" : note;
    setStatus(c, switch (verb) {
      case "pass" -> "passing";
      case "warn" -> "warning";
      default -> "critical";
    });
    return text(200, "");
  }

  /**
   * A status update (local.State.UpdateCheck): the critical time starts at the first critical
   * update and any other status clears it.
   */
  private void setStatus(CheckState c, String status) {
    if (status.equals("critical")) {
      if (!c.status.equals("critical") || c.criticalSince == NOT_CRITICAL) {
        c.criticalSince = nowMillis;
      }
    } else {
      c.criticalSince = NOT_CRITICAL;
    }
    if (!status.equals(c.status)) {
      c.status = status;
      Entry entry = c.serviceId == null ? null : services.get(c.node + "/" + c.serviceId);
      c.modifyIndex = entry == null ? touchNode(c.node) : touch(entry.def.path("Name").asText());
      notifyAll();
    }
  }

  private MockResponse health(HttpUrl url, String token) throws InterruptedException {
    String name = url.pathSegments().get(3);
    String since = url.queryParameter("index");
    long asked = since == null ? 0 : Long.parseLong(since);
    long waitMillis = Math.min(MAX_WAIT_MILLIS, url.queryParameter("wait") == null ? 300_000 : millis(url.queryParameter("wait")));
    long held = waitMillis + ThreadLocalRandom.current().nextLong(waitMillis / 16 + 1);
    long deadline = System.nanoTime() + held * 1_000_000;
    while (asked > 0 && serviceIndex(name) <= asked && !closed) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        break;
      }
      wait(left);
    }
    boolean passingOnly = url.queryParameterNames().contains("passing");
    boolean filtered = false;
    ArrayNode out = JSON.createArrayNode();
    for (Entry e : services.values()) {
      if (!e.def.path("Name").asText().equalsIgnoreCase(name)) {
        continue;
      }
      List<CheckState> own = checks.values().stream().filter(c -> c.node.equals(e.node)
          && (c.serviceId == null || c.serviceId.equals(e.def.get("ID").asText()))).toList();
      if (passingOnly && own.stream().anyMatch(c -> !c.status.equals("passing"))) {
        continue;
      }
      if (!acl.allows(token, "service:read") || !acl.allows(token, "node:read")) {
        filtered = true;
        continue;
      }
      ObjectNode entry = out.addObject();
      entry.putObject("Node").put("Node", e.node).put("Address", nodeAddresses.get(e.node)).put("Datacenter", "dc1");
      ObjectNode s = entry.putObject("Service");
      s.put("ID", e.def.get("ID").asText());
      s.put("Service", e.def.path("Name").asText());
      s.set("Tags", e.def.has("Tags") ? e.def.get("Tags") : JSON.createArrayNode());
      s.put("Address", e.def.path("Address").asText(""));
      s.set("Meta", e.def.has("Meta") ? e.def.get("Meta") : JSON.createObjectNode());
      s.put("Port", e.def.path("Port").asInt(0));
      s.set("Weights", e.def.has("Weights") ? e.def.get("Weights") : JSON.createObjectNode().put("Passing", 1).put("Warning", 1));
      s.put("ModifyIndex", e.modifyIndex);
      ArrayNode cs = entry.putArray("Checks");
      own.forEach(c -> cs.add(checkJson(c)));
    }
    MockResponse.Builder answer = new MockResponse.Builder().code(200).addHeader("X-Consul-Index", Long.toString(serviceIndex(name)))
        .addHeader("Content-Type", "application/json").body(out.toString());
    if (filtered && token != null && !token.isEmpty()) { // the server masks the flag for the anonymous token
      answer.addHeader("X-Consul-Results-Filtered-By-ACLs", "true");
    }
    return answer.build();
  }

  /**
   * {@code GET /v1/catalog/services}: each service name with the union of its instances' tags,
   * Consul's own service (registered by the servers) included; names a token may not read are left out.
   */
  private MockResponse catalogServices(String token) {
    Map<String, java.util.Set<String>> names = new java.util.TreeMap<>();
    names.put("consul", new java.util.TreeSet<>());
    for (Entry e : services.values()) {
      java.util.Set<String> tags = names.computeIfAbsent(e.def.path("Name").asText(), n -> new java.util.TreeSet<>());
      e.def.path("Tags").forEach(t -> tags.add(t.asText()));
    }
    ObjectNode out = JSON.createObjectNode();
    if (acl.allows(token, "service:read")) {
      names.forEach((name, tags) -> {
        ArrayNode array = out.putArray(name);
        tags.forEach(array::add);
      });
    }
    return new MockResponse.Builder().code(200).addHeader("X-Consul-Index", Long.toString(index))
        .addHeader("Content-Type", "application/json").body(out.toString()).build();
  }

  /**
   * The service's own index (catalogServiceMaxIndex), or the last extinction index when it has no
   * instances; before any filter; never below 1 (agent/http.go setIndex).
   */
  private long serviceIndex(String name) {
    Long own = serviceIndexes.get(name.toLowerCase(Locale.ROOT));
    return Math.max(1, own == null ? extinctionIndex : own);
  }

  private MockResponse critical(String token) {
    ArrayNode out = JSON.createArrayNode();
    boolean filtered = false;
    for (CheckState c : checks.values()) {
      if (c.status.equals("critical")) {
        if (!acl.allows(token, "node:read") || (c.serviceId != null && !acl.allows(token, "service:read"))) {
          filtered = true;
        } else {
          out.add(checkJson(c));
        }
      }
    }
    MockResponse.Builder answer = new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
        .addHeader("X-Consul-Index", Long.toString(index)).body(out.toString());
    if (filtered && token != null && !token.isEmpty()) { // the server masks the flag for the anonymous token
      answer.addHeader("X-Consul-Results-Filtered-By-ACLs", "true");
    }
    return answer.build();
  }

  private ObjectNode checkJson(CheckState c) {
    ObjectNode node = JSON.createObjectNode();
    Entry service = c.serviceId == null ? null : services.get(c.node + "/" + c.serviceId);
    node.put("Node", c.node).put("CheckID", c.id).put("Name", c.name).put("Status", c.status).put("Output", c.output)
        .put("ServiceID", c.serviceId == null ? "" : c.serviceId)
        .put("ServiceName", service == null ? "" : service.def.path("Name").asText()).put("ModifyIndex", c.modifyIndex);
    return node;
  }

  private void expireTtls() {
    for (CheckState c : checks.values()) {
      if (c.ttlMillis > 0 && !c.status.equals("critical") && nowMillis - c.lastUpdate > c.ttlMillis) {
        c.output = "TTL expired";
        setStatus(c, "critical");
      }
    }
  }

  /** One reaper run: services with a check critical for longer than its DeregisterCriticalServiceAfter. */
  private void reap() {
    List<CheckState> due = checks.values().stream()
        .filter(c -> c.serviceId != null && c.status.equals("critical") && c.deregisterAfterMillis > 0
            && c.criticalSince != NOT_CRITICAL && nowMillis - c.criticalSince > c.deregisterAfterMillis)
        .toList();
    due.stream().map(c -> List.of(c.node, c.serviceId)).distinct().forEach(key -> remove(key.get(0), key.get(1)));
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

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    server.close();
  }
}
