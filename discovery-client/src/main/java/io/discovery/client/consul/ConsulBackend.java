package io.discovery.client.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.discovery.client.RegistrationRejectedException;
import io.discovery.client.RegistryAccessDeniedException;
import io.discovery.client.RegistryUnavailableException;
import io.discovery.client.ServiceInstance;
import io.discovery.client.spi.Lease;
import io.discovery.client.spi.LeaseLostException;
import io.discovery.client.internal.MalformedEntries;
import io.discovery.client.spi.RegistryBackend;
import io.discovery.client.spi.WatchHandle;
import io.discovery.client.spi.WatchListener;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Consul backend over the local agent's HTTP API
 * (https://developer.hashicorp.com/consul/api-docs/agent/service). An instance is an agent service
 * with a TTL check ({@code service:<id>}) and {@code DeregisterCriticalServiceAfter}; the heartbeat
 * passes that check, and a 404 on the pass (the agent forgot the service, e.g. after a restart)
 * means the client registers again. Views are blocking queries on
 * {@code /v1/health/service/<name>?passing}, one per watched service. The ACL token travels only in
 * the {@code X-Consul-Token} header.
 */
public final class ConsulBackend implements RegistryBackend {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ConsulBackend.class);
  static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType JSON_TYPE = MediaType.get("application/json");
  private static final Duration MIN_DEREGISTER_AFTER = Duration.ofMinutes(1);

  private final HttpUrl base;
  private final String datacenter;
  private final boolean staleReads;
  private final Duration wait;
  private final Duration deregisterAfter;
  private final List<ConsulCheck> checks;
  private final boolean hasToken;
  private final java.util.Set<String> aclFiltered = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** The agent's default rpc_hold_timeout (agent/config/default.go). */
  static final Duration DEFAULT_RPC_HOLD = Duration.ofSeconds(7);
  /** What a call may take beyond the agent's own hold: network and the agent's work. */
  static final Duration RESPONSE_MARGIN = Duration.ofSeconds(3);
  private final OkHttpClient unary;
  private final OkHttpClient blocking;
  private final ExecutorService dispatcherThreads;
  private final Set<ConsulWatch> watches = ConcurrentHashMap.newKeySet();
  private final MalformedEntries malformed = new MalformedEntries("Consul");

  private ConsulBackend(Builder b) {
    this.base = b.base;
    this.datacenter = b.datacenter;
    this.staleReads = b.staleReads;
    this.wait = b.wait;
    this.deregisterAfter = b.deregisterAfter;
    this.checks = List.copyOf(b.checks);
    this.hasToken = b.token != null;
    AtomicInteger n = new AtomicInteger();
    this.dispatcherThreads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = new Thread(r, "discovery-consul-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    Dispatcher dispatcher = new Dispatcher(dispatcherThreads);
    dispatcher.setMaxRequests(10_000);
    dispatcher.setMaxRequestsPerHost(10_000);
    String token = b.token;
    OkHttpClient.Builder http = new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        .connectTimeout(2, TimeUnit.SECONDS)
        .readTimeout(b.rpcHold.plus(RESPONSE_MARGIN))
        .callTimeout(b.rpcHold.plus(RESPONSE_MARGIN))
        .addInterceptor(chain -> token == null ? chain.proceed(chain.request())
            : chain.proceed(chain.request().newBuilder().header("X-Consul-Token", token).build()));
    if (b.socketFactory != null) {
      http.sslSocketFactory(b.socketFactory, b.trustManager);
    }
    if (b.events != null) {
      http.eventListenerFactory(b.events);
    }
    this.unary = http.build();
    // Consul holds a blocking query up to wait + wait/16 of jitter, and a server call up to rpc_hold_timeout more.
    Duration held = wait.plus(wait.dividedBy(16)).plus(b.rpcHold).plus(RESPONSE_MARGIN);
    this.blocking = unary.newBuilder().readTimeout(held).callTimeout(held).build();
  }

  /**
   * A builder for {@code consul://host:port} or {@code consul+https://host:port}; see
   * {@link ConsulBackendFactory}. Settings in the URI's query are the builder's starting values.
   *
   * @param uri the agent's URI, e.g. {@code consul://127.0.0.1:8500?token=...}
   * @return a new builder
   * @throws IllegalArgumentException if the URI is malformed or not a Consul URI
   */
  public static Builder builder(String uri) {
    return new Builder(ConsulBackendFactory.parse(io.discovery.client.internal.RegistryUris.parse(uri, "Consul")));
  }

  /** The unary and blocking call timeouts, in that order; for tests. */
  List<Duration> timeouts() {
    return List.of(Duration.ofMillis(unary.callTimeoutMillis()), Duration.ofMillis(blocking.callTimeoutMillis()));
  }

  /** The agent's address; for tests and messages. */
  HttpUrl base() {
    return base;
  }

  @Override
  public void validate(ServiceInstance instance) {
    ConsulJson.validate(instance);
  }

  @Override
  public Lease register(ServiceInstance instance, Duration ttl) {
    ObjectNode body = ConsulJson.registration(instance, ttl, deregisterAfter, checks);
    HttpUrl url = base.newBuilder().addPathSegments("v1/agent/service/register")
        .addQueryParameter("replace-existing-checks", "true").build();
    try (Response response = put(url, body.toString())) {
      checkRegistration(response, "register " + instance.id());
    }
    return new Lease(instance, ConsulJson.ttlCheckId(instance));
  }

  /** Registers {@code changed} again under the same id: Consul replaces the service and its checks, passing. */
  @Override
  public Lease update(Lease lease, ServiceInstance changed, Duration ttl) {
    return register(changed, ttl);
  }

  @Override
  public void renew(Lease lease) {
    HttpUrl url = base.newBuilder().addPathSegments("v1/agent/check/pass").addPathSegment(lease.id()).build();
    try (Response response = put(url, "")) {
      if (response.isSuccessful()) {
        return;
      }
      String body = bodyOf(response);
      if (checkUnknown(response.code(), body)) {
        throw new LeaseLostException("the Consul agent no longer has check " + lease.id()
            + " (its data directory was lost, or the service was reaped or deregistered)");
      }
      throw failure(response.code(), body, "pass check " + lease.id(), true);
    }
  }

  @Override
  public void deregister(Lease lease) {
    HttpUrl url = base.newBuilder().addPathSegments("v1/agent/service/deregister").addPathSegment(lease.instance().id()).build();
    try (Response response = put(url, "")) {
      if (response.code() != 404) {
        check(response, "deregister " + lease.instance().id());
      }
    }
  }

  /**
   * The checks Consul reports critical now, with their names and output
   * ({@code /v1/health/state/critical}); for {@code service} only, or all when it is null. One
   * call to the agent, on the caller's thread.
   *
   * @param service the service name as Consul has it, or null for every check, node checks included
   * @return the critical checks in the agent's order; empty when all pass
   * @throws io.discovery.client.RegistryAccessDeniedException if the ACL token may not read them
   * @throws RegistryUnavailableException if the agent cannot be reached or fails
   */
  public List<CriticalCheck> critical(String service) {
    JsonNode array = read("v1/health/state/critical", "read critical checks");
    List<CriticalCheck> result = new ArrayList<>();
    for (JsonNode c : array) {
      if (service == null || service.equals(c.path("ServiceName").asText())) {
        result.add(new CriticalCheck(c.path("Node").asText(), c.path("CheckID").asText(), c.path("Name").asText(),
            c.path("Output").asText(), c.path("ServiceID").asText(), c.path("ServiceName").asText()));
      }
    }
    return result;
  }

  /** GETs {@code path} (in the configured datacenter) and parses the whole body; {@code what} names the call in errors. */
  private JsonNode read(String path, String what) {
    HttpUrl.Builder url = base.newBuilder().addPathSegments(path);
    if (datacenter != null) {
      url.addQueryParameter("dc", datacenter);
    }
    try (Response response = execute(unary, new Request.Builder().url(url.build()).get().build())) {
      check(response, what);
      return JSON.readTree(response.body().string());
    } catch (IOException e) {
      throw new RegistryUnavailableException("Consul's answer when asked to " + what + " is not JSON: " + e.getMessage());
    }
  }

  /** The catalog's services ({@code /v1/catalog/services}), which include Consul's own. */
  @Override
  public java.util.SortedSet<String> services() {
    JsonNode catalog = read("v1/catalog/services", "list the catalog's services");
    java.util.SortedSet<String> names = new java.util.TreeSet<>();
    catalog.fieldNames().forEachRemaining(name -> names.add(name.toLowerCase(java.util.Locale.ROOT)));
    return names;
  }

  @Override
  public WatchHandle watch(String service, WatchListener listener) {
    ConsulWatch watch = new ConsulWatch(this, service, listener);
    watches.add(watch);
    watch.start();
    return watch::close;
  }

  void forget(ConsulWatch watch) {
    watches.remove(watch);
  }

  /** The blocking query for {@code service} at {@code index}. */
  Request healthQuery(String service, long index) {
    HttpUrl.Builder url = base.newBuilder().addPathSegments("v1/health/service").addPathSegment(service)
        .addQueryParameter("passing", null)
        .addQueryParameter("index", Long.toString(index))
        .addQueryParameter("wait", wait.toSeconds() + "s");
    if (staleReads) {
      url.addQueryParameter("stale", null);
    }
    if (datacenter != null) {
      url.addQueryParameter("dc", datacenter);
    }
    return new Request.Builder().url(url.build()).get().build();
  }

  OkHttpClient blockingClient() {
    return blocking;
  }

  /** Logs, once per service, that Consul filtered an answer about it by ACL. */
  void filteredByAcl(String service) {
    if (aclFiltered.add(service)) {
      log.warn("Consul filtered its answer about '{}' by ACL (X-Consul-Results-Filtered-By-ACLs): instances the token may"
          + " not read are missing from the view; give the token service:read on '{}' and node:read", service, service);
    }
  }

  /** The instance of one health entry, or null after logging it once when it is malformed. */
  ServiceInstance decode(String service, JsonNode entry) {
    try {
      return ConsulJson.instance(service, entry);
    } catch (IllegalArgumentException e) {
      malformed.skipped(service + "/" + entry.path("Service").path("ID").asText("?"),
          entry.path("Service").path("ModifyIndex").asText("?"), e.getMessage());
      return null;
    }
  }

  private Response put(HttpUrl url, String body) {
    return execute(unary, new Request.Builder().url(url).put(RequestBody.create(body, JSON_TYPE)).build());
  }

  private Response execute(OkHttpClient client, Request request) {
    try {
      return client.newCall(request).execute();
    } catch (IOException e) {
      throw new RegistryUnavailableException("Consul agent unreachable at " + base + ": " + e.getMessage(), e);
    }
  }

  /**
   * Whether a pass answered that the agent no longer has the check: 404 {@code Unknown check ID}
   * (current agents), 500 {@code Unknown check} (1.11.0 to 1.11.1), or 500 {@code CheckID "..." does
   * not have associated TTL} (up to 1.10 with ACLs off), all from agent/agent.go's updateTTLCheck
   * and agent/agent_endpoint.go.
   */
  static boolean checkUnknown(int code, String body) {
    return code == 404 || (code == 500 && (body.contains("Unknown check") || body.contains("does not have associated TTL")));
  }

  /** Throws the error that an unsuccessful answer to a read means. */
  void check(Response response, String what) {
    if (!response.isSuccessful()) {
      throw failure(response.code(), bodyOf(response), what, false);
    }
  }

  /** Throws the error that an unsuccessful answer to a registration call means: a 4xx is final. */
  private void checkRegistration(Response response, String what) {
    if (!response.isSuccessful()) {
      throw failure(response.code(), bodyOf(response), what, true);
    }
  }

  /**
   * The error for an unsuccessful answer whose body was read once. A 4xx to a registration call
   * (a field the agent refuses, a missing permission) cannot heal by retrying.
   */
  private RuntimeException failure(int code, String body, String what, boolean registration) {
    if (code == 403) {
      String setIt = "?token= in the registry URI, CONSUL_HTTP_TOKEN, or ConsulBackend.builder(...).token(...)";
      String why;
      if (body.contains("ACL not found")) {
        why = "Consul does not know the ACL token (ACL not found): it is mistyped, deleted or expired; fix it: " + setIt;
      } else if (!hasToken) {
        why = "no ACL token was given and the agent requires one (" + body + "); set one: " + setIt;
      } else {
        why = "the ACL token lacks permission for it (" + body + "); grant it in the token's policy";
      }
      return new RegistryAccessDeniedException("Consul refused to " + what + " (HTTP 403): " + why);
    }
    if (registration && body.contains("Scripts are disabled on this agent")) {
      return new RegistrationRejectedException("Consul refused to " + what + " (HTTP " + code + "): " + body
          + " (script checks need enable_script_checks in the agent's configuration, off by default; enable it there or"
          + " drop ConsulCheck.script)");
    }
    if (code >= 500) {
      return new RegistryUnavailableException("Consul failed to " + what + " (HTTP " + code + "): " + body);
    }
    String message = "Consul refused to " + what + " (HTTP " + code + "): " + body;
    return registration ? new RegistrationRejectedException(message) : new RegistryUnavailableException(message);
  }

  private static String bodyOf(Response response) {
    try {
      String body = response.body().string();
      return body.length() > 300 ? body.substring(0, 300) + "..." : body.trim();
    } catch (IOException e) {
      return "(no body)";
    }
  }

  @Override
  public void close() {
    watches.forEach(ConsulWatch::close);
    unary.dispatcher().cancelAll();
    dispatcherThreads.shutdownNow();
    unary.connectionPool().evictAll();
  }

  @Override
  public String toString() {
    return "ConsulBackend{" + base + (hasToken ? ", token=(hidden)" : "") + (datacenter != null ? ", dc=" + datacenter : "") + "}";
  }

  /** Settings of a {@link ConsulBackend}; pass the result to {@code DiscoveryClient.builder().backend(...)}. */
  public static final class Builder {
    private final HttpUrl base;
    private String token;
    private String datacenter;
    private boolean staleReads;
    private Duration wait = Duration.ofMinutes(5);
    private Duration deregisterAfter = MIN_DEREGISTER_AFTER;
    private final List<ConsulCheck> checks = new ArrayList<>();
    private javax.net.ssl.SSLSocketFactory socketFactory;
    private X509TrustManager trustManager;
    private okhttp3.EventListener.Factory events;
    private Duration rpcHold = DEFAULT_RPC_HOLD;

    Builder(ConsulBackendFactory.Target target) {
      this.base = target.base();
      this.token = target.token();
      this.datacenter = target.datacenter();
      this.staleReads = target.stale();
      if (target.blockingWait() != null) {
        blockingWait(target.blockingWait());
      }
      if (target.tls() != null) {
        this.socketFactory = target.tls().socketFactory();
        this.trustManager = target.tls().trustManager();
      }
    }

    /**
     * The ACL token, sent as {@code X-Consul-Token}; defaults to the URI's {@code ?token=}, else
     * {@code CONSUL_HTTP_TOKEN}.
     *
     * @param token the token; null to fall back to {@code CONSUL_HTTP_TOKEN}
     * @return this builder
     */
    public Builder token(String token) {
      this.token = token;
      return this;
    }

    /**
     * The datacenter to read views from (the agent's own by default); registrations always go to
     * the agent's own.
     *
     * @param datacenter the datacenter name; null for the agent's own
     * @return this builder
     */
    public Builder datacenter(String datacenter) {
      this.datacenter = datacenter;
      return this;
    }

    /**
     * Lets any Consul server answer view queries, not only the leader: faster, possibly a little behind.
     *
     * @return this builder
     */
    public Builder staleReads() {
      this.staleReads = true;
      return this;
    }

    /**
     * How long Consul may hold a blocking query (default 5 min, at most 10 min).
     *
     * @param wait 1 s to 10 min
     * @return this builder
     * @throws IllegalArgumentException if {@code wait} is outside 1 s to 10 min
     */
    public Builder blockingWait(Duration wait) {
      if (wait.compareTo(Duration.ofSeconds(1)) < 0 || wait.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("invalid blocking wait " + wait + ": expected 1 s to 10 min");
      }
      this.wait = wait;
      return this;
    }

    /**
     * How long an instance may stay critical before the agent removes it (default and minimum 1 min).
     *
     * @param after at least 1 minute
     * @return this builder
     * @throws IllegalArgumentException if {@code after} is under 1 minute
     */
    public Builder deregisterCriticalAfter(Duration after) {
      if (after.compareTo(MIN_DEREGISTER_AFTER) < 0) {
        throw new IllegalArgumentException("invalid DeregisterCriticalServiceAfter " + after + ": Consul's minimum is 1 minute");
      }
      this.deregisterAfter = after;
      return this;
    }

    /**
     * The agent's {@code rpc_hold_timeout} (default 7 s): how long it retries a call to its servers
     * (during a leader election) before answering. A call to the agent may take that long, so the
     * client's timeouts are derived from it: unary calls wait it plus 3 s, blocking queries the
     * wait, its wait/16 jitter, and it plus 3 s.
     *
     * @param hold 0 to 10 min, as set in the agent's configuration
     * @return this builder
     * @throws IllegalArgumentException if {@code hold} is outside 0 to 10 min
     */
    public Builder rpcHoldTimeout(Duration hold) {
      if (hold.isNegative() || hold.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("invalid rpc hold timeout " + hold + ": expected 0 to 10 min");
      }
      this.rpcHold = hold;
      return this;
    }

    /** OkHttp events of every call to the agent, from the moment a call is created; for tests. */
    Builder events(okhttp3.EventListener.Factory events) {
      this.events = events;
      return this;
    }

    /**
     * Adds a check the agent runs for every registered instance: {@link ConsulCheck#http},
     * {@link ConsulCheck#tcp}, {@link ConsulCheck#script}.
     *
     * @param check the check, added to those given before
     * @return this builder
     */
    public Builder check(ConsulCheck check) {
      checks.add(check);
      return this;
    }

    /**
     * TLS with a custom trust manager; a key manager in {@code context} adds a client certificate
     * (mTLS). Replaces the TLS settings of the URI ({@code ca}, {@code cert}, {@code key}).
     *
     * @param context      an initialized context; its socket factory makes the connections
     * @param trustManager the trust manager {@code context} was initialized with
     * @return this builder
     */
    public Builder tls(SSLContext context, X509TrustManager trustManager) {
      this.socketFactory = context.getSocketFactory();
      this.trustManager = trustManager;
      return this;
    }

    /**
     * The backend, reading {@code CONSUL_HTTP_TOKEN} now if no token was set. Does not call the agent.
     *
     * @return a new backend; the client it is given to closes it
     */
    public ConsulBackend build() {
      if (token == null) {
        String env = System.getenv("CONSUL_HTTP_TOKEN");
        token = env == null || env.isBlank() ? null : env;
      }
      return new ConsulBackend(this);
    }
  }
}
