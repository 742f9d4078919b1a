package io.discovery.client.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.discovery.client.RegistrationRejectedException;
import io.discovery.client.RegistryUnavailableException;
import io.discovery.client.ServiceInstance;
import io.discovery.client.internal.InstanceCodec;
import io.discovery.client.spi.Lease;
import io.discovery.client.spi.LeaseLostException;
import io.discovery.client.internal.MalformedEntries;
import io.discovery.client.spi.RegistryBackend;
import io.discovery.client.spi.WatchHandle;
import io.discovery.client.spi.WatchListener;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd v3 backend. An instance is the key {@code <prefix>/<service>/<id>} holding the instance's
 * JSON ({@link InstanceCodec}), attached to a lease of the client's TTL that all its registrations
 * share, as etcd's own session helper does ({@link SharedLeases}); the heartbeat is one keepalive of
 * that lease plus a check of each key; deregistering deletes the key, and the last one revokes the
 * lease. Views list the service's prefix, then watch it from the next revision.
 */
public final class EtcdBackend implements RegistryBackend {
  private static final Logger log = LoggerFactory.getLogger(EtcdBackend.class);

  private final EtcdGateway gateway;
  private final String prefix;
  private final ExecutorService watchThreads;
  private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
  private final MalformedEntries malformed;
  private final SharedLeases leases;
  private volatile boolean closed;

  EtcdBackend(EtcdGateway gateway, String prefix, int maxInstanceBytes, java.util.function.LongSupplier nanoTime) {
    this.gateway = gateway;
    this.prefix = prefix;
    this.malformed = new MalformedEntries("etcd", maxInstanceBytes);
    this.leases = new SharedLeases(this::grant, nanoTime);
    AtomicInteger n = new AtomicInteger();
    this.watchThreads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "discovery-etcd-watch-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * A builder for {@code etcd://[user:password@]host:port[,...][/prefix]} or {@code etcd+https://...
   * [?ca=ca.pem&cert=client.pem&key=client-key.pem]}, for settings a URI cannot carry; pass the
   * result to {@code DiscoveryClient.builder().backend(...)}.
   *
   * @param uri the etcd URI; its user-info and {@code ca}, {@code cert}, {@code key} are the
   *     builder's starting values
   * @return a new builder
   * @throws IllegalArgumentException naming what is wrong with the URI or a PEM file
   */
  public static Builder builder(String uri) {
    return EtcdBackendFactory.parse(io.discovery.client.internal.RegistryUris.parse(uri, "etcd"));
  }

  /** Settings of an {@link EtcdBackend}; every one has a default. */
  public static final class Builder {
    private final java.util.List<okhttp3.HttpUrl> endpoints;
    private final String prefix;
    private io.discovery.client.spi.Credentials credentials;
    private io.discovery.client.internal.PemTls tls;
    private java.time.Duration connectTimeout = java.time.Duration.ofSeconds(2);
    private java.time.Duration callTimeout = java.time.Duration.ofSeconds(5);
    private java.time.Duration watchSilence = java.time.Duration.ofSeconds(20);
    private int maxInstanceBytes = io.discovery.client.spi.BackendContext.DEFAULT_MAX_INSTANCE_BYTES;
    private java.util.function.LongSupplier nanoTime = System::nanoTime;

    Builder(java.util.List<okhttp3.HttpUrl> endpoints, String prefix) {
      this.endpoints = endpoints;
      this.prefix = prefix;
    }

    /**
     * Authenticates as {@code user} (etcd's auth API); the password appears in no log or message.
     * Replaces credentials from the URI.
     *
     * @param user     not null or empty
     * @param password not null
     * @return this builder
     * @throws IllegalArgumentException if the user is null or empty, or the password is null
     */
    public Builder credentials(String user, String password) {
      this.credentials = new io.discovery.client.spi.Credentials(user, password);
      return this;
    }

    Builder tls(io.discovery.client.internal.PemTls tls) {
      this.tls = tls;
      return this;
    }

    /**
     * TLS with a socket factory and trust manager of the caller's (e.g. from a keystore); for
     * {@code etcd+https} endpoints. Replaces the PEM files of the URI.
     *
     * @param socketFactory makes the TLS connections; a key manager behind it adds a client certificate
     * @param trustManager  the trust manager behind {@code socketFactory}
     * @return this builder
     */
    public Builder tls(javax.net.ssl.SSLSocketFactory socketFactory, javax.net.ssl.X509TrustManager trustManager) {
      return tls(new io.discovery.client.internal.PemTls(socketFactory, trustManager));
    }

    /**
     * How long to wait for a connection (default 2 s) and for a whole unary call (default 5 s).
     * Watch streams are bounded by {@link #watchSilence} instead.
     *
     * @param connect more than zero
     * @param call    more than zero
     * @return this builder
     * @throws IllegalArgumentException if either is zero or negative
     */
    public Builder timeouts(java.time.Duration connect, java.time.Duration call) {
      if (connect.isNegative() || connect.isZero() || call.isNegative() || call.isZero()) {
        throw new IllegalArgumentException("invalid etcd timeouts " + connect + " / " + call + ": expected more than zero");
      }
      this.connectTimeout = connect;
      this.callTimeout = call;
      return this;
    }

    /**
     * How long a watch stream may say nothing before it is taken for dead and the service is listed
     * and watched again (default 20 s; a client made from a URI uses 2 x its TTL). A quiet but
     * healthy stream costs one list per period.
     *
     * @param silence more than zero
     * @return this builder
     * @throws IllegalArgumentException if {@code silence} is zero or negative
     */
    public Builder watchSilence(java.time.Duration silence) {
      if (silence.isNegative() || silence.isZero()) {
        throw new IllegalArgumentException("invalid watch silence " + silence + ": expected more than zero");
      }
      this.watchSilence = silence;
      return this;
    }

    /**
     * The largest key and value (default 64 KiB) this backend registers or lets into a view; larger
     * entries are skipped and logged, larger registrations refused.
     *
     * @param bytes more than zero
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is zero or less
     */
    public Builder maxInstanceBytes(int bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("invalid maximum instance size " + bytes + ": expected more than 0 bytes");
      }
      this.maxInstanceBytes = bytes;
      return this;
    }

    /** The client's clock, so that renewals on a test's fake time keep the shared lease alive on that time. */
    Builder nanoTime(java.util.function.LongSupplier nanoTime) {
      this.nanoTime = nanoTime;
      return this;
    }

    /**
     * The backend. Does not connect: the first call to etcd does.
     *
     * @return a new backend; the client it is given to closes it
     */
    public EtcdBackend build() {
      return new EtcdBackend(new EtcdGateway(endpoints, credentials, tls, connectTimeout, callTimeout, watchSilence), prefix,
          maxInstanceBytes, nanoTime);
    }
  }

  /** The key an instance is stored under. */
  String key(ServiceInstance instance) {
    return servicePrefix(instance.service()) + instance.id();
  }

  /** Every key under the prefix, without values: the service is the segment after the prefix. */
  @Override
  public java.util.SortedSet<String> services() {
    String all = prefix + "/";
    EtcdGateway.Reply reply = gateway.post("/v3/kv/range", EtcdGateway.prefixRange(all).put("keys_only", true));
    if (!reply.ok()) {
      throw new RegistryUnavailableException("etcd could not list the keys under '" + all + "': " + reply.error());
    }
    java.util.SortedSet<String> services = new java.util.TreeSet<>();
    for (com.fasterxml.jackson.databind.JsonNode kv : reply.body().path("kvs")) {
      String rest = EtcdGateway.fromBase64(kv.path("key").asText()).substring(all.length());
      int slash = rest.indexOf('/');
      if (slash > 0 && slash < rest.length() - 1) {
        services.add(rest.substring(0, slash));
      }
    }
    return services;
  }

  String servicePrefix(String service) {
    return prefix + "/" + service + "/";
  }

  /** etcd's default {@code --max-request-bytes}: a larger put is refused with "request is too large". */
  static final int MAX_REQUEST_BYTES = 1_572_864;
  /** Room for the put's lease id and framing next to its key and value. */
  private static final int REQUEST_OVERHEAD = 1024;

  @Override
  public void validate(ServiceInstance instance) {
    long size = key(instance).getBytes(java.nio.charset.StandardCharsets.UTF_8).length
        + InstanceCodec.toJson(instance).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    IllegalArgumentException tooLarge = malformed.refusal(instance.service(), instance.id(), size);
    if (tooLarge != null) {
      throw tooLarge;
    }
    if (size + REQUEST_OVERHEAD > MAX_REQUEST_BYTES) {
      throw new IllegalArgumentException("instance '" + instance.id() + "' of '" + instance.service() + "' takes " + size
          + " bytes as an etcd key and value; etcd accepts requests of at most " + MAX_REQUEST_BYTES
          + " bytes (its default --max-request-bytes): keep large data out of the metadata");
    }
  }

  @Override
  public Lease register(ServiceInstance instance, Duration ttl) {
    String lease = leases.forTtl(Math.max(1, (ttl.toMillis() + 999) / 1000));
    EtcdGateway.Reply written;
    try {
      written = put(key(instance), InstanceCodec.toJson(instance), lease);
    } catch (RuntimeException e) {
      leases.abandoned(lease);
      throw e;
    }
    if (!written.ok()) {
      leases.abandoned(lease);
      String message = "etcd refused to write " + key(instance) + ": " + written.error();
      if (leaseNotFound(written)) {
        leases.lost(lease); // expired between its grant or last keepalive and this put
        throw new RegistryUnavailableException(message);
      }
      // 400 (e.g. "request is too large"), 401 and 403 (permission denied) do not heal by retrying.
      boolean permanent = written.status() == 400 || written.status() == 401 || written.status() == 403;
      throw permanent ? new RegistrationRejectedException(message + " (HTTP " + written.status() + ")")
          : new RegistryUnavailableException(message);
    }
    return new Lease(instance, lease);
  }

  /** Writes {@code changed} over the key, under the same lease. */
  @Override
  public Lease update(Lease lease, ServiceInstance changed, Duration ttl) {
    String key = key(changed);
    EtcdGateway.Reply written = put(key, InstanceCodec.toJson(changed), lease.id());
    if (leaseNotFound(written)) {
      leases.lost(lease.id());
      throw new LeaseLostException("etcd lease " + lease.id() + " not found");
    }
    if (!written.ok()) {
      throw new RegistryUnavailableException("etcd refused to write " + key + ": " + written.error() + " (HTTP " + written.status() + ")");
    }
    return new Lease(changed, lease.id());
  }

  /**
   * Keeps the shared lease alive (once per quarter TTL, whichever registration renews first), then
   * checks that the key still holds this instance under it: a keepalive answer without a TTL means
   * the lease expired or was revoked; a key deleted or written over by someone else is put back.
   */
  @Override
  public void renew(Lease lease) {
    if (leases.keepAliveDue(lease.id())) {
      EtcdGateway.Reply reply = gateway.post("/v3/lease/keepalive", EtcdGateway.JSON.createObjectNode().put("ID", lease.id()));
      if (reply.status() == 404) {
        leases.lost(lease.id());
        throw new LeaseLostException("etcd lease " + lease.id() + " not found");
      }
      if (!reply.ok()) {
        throw new RegistryUnavailableException("etcd keepalive of lease " + lease.id() + " failed: " + reply.error());
      }
      JsonNode result = reply.body().has("result") ? reply.body().get("result") : reply.body();
      if (EtcdGateway.int64(result, "TTL") <= 0) {
        leases.lost(lease.id());
        throw new LeaseLostException("etcd lease " + lease.id() + " expired or was revoked");
      }
      leases.keptAlive(lease.id());
    }
    String key = key(lease.instance());
    EtcdGateway.Reply found = gateway.post("/v3/kv/range", EtcdGateway.JSON.createObjectNode().put("key", EtcdGateway.base64(key)));
    if (!found.ok()) {
      throw new RegistryUnavailableException("etcd read of " + key + " failed: " + found.error());
    }
    JsonNode kv = found.body().path("kvs").path(0);
    String ours = InstanceCodec.toJson(lease.instance());
    boolean ourLease = Long.toString(EtcdGateway.int64(kv, "lease")).equals(lease.id());
    if (kv.isMissingNode() || !ourLease || !ours.equals(EtcdGateway.fromBase64(kv.path("value").asText("")))) {
      // Deleted or replaced by another writer: callers would never see this instance again. Put it back under our lease.
      log.warn("etcd key {} no longer holds this instance under lease {} ({}); writing it back", key, lease.id(),
          kv.isMissingNode() ? "someone deleted it" : "another writer replaced it");
      EtcdGateway.Reply written = put(key, ours, lease.id());
      if (leaseNotFound(written)) {
        leases.lost(lease.id());
        throw new LeaseLostException("etcd lease " + lease.id() + " not found");
      }
      if (!written.ok()) {
        throw new RegistryUnavailableException("etcd refused to write " + key + " back: " + written.error());
      }
    }
  }

  /**
   * Deletes the key if it holds this instance's value under our lease, or detached from any lease
   * (written over by another writer with the same value); a key that now holds something else, or
   * is attached to another lease, belongs to someone else and stays. The shared lease is revoked
   * with its last registration.
   */
  @Override
  public void deregister(Lease lease) {
    String key = EtcdGateway.base64(key(lease.instance()));
    String value = EtcdGateway.base64(InstanceCodec.toJson(lease.instance()));
    for (String owner : new String[] {lease.id(), "0"}) {
      ObjectNode txn = EtcdGateway.JSON.createObjectNode();
      var compare = txn.putArray("compare");
      // The value too: another registration of the same id on this client shares the lease.
      compare.addObject().put("key", key).put("target", "LEASE").put("result", "EQUAL").put("lease", owner);
      compare.addObject().put("key", key).put("target", "VALUE").put("result", "EQUAL").put("value", value);
      txn.putArray("success").addObject().putObject("request_delete_range").put("key", key);
      EtcdGateway.Reply deleted = gateway.post("/v3/kv/txn", txn);
      if (!deleted.ok()) {
        throw new RegistryUnavailableException("etcd delete of " + key(lease.instance()) + " failed: " + deleted.error());
      }
      if (deleted.body().path("succeeded").asBoolean(false)) {
        break;
      }
    }
    if (leases.detached(lease.id())) {
      EtcdGateway.Reply reply = gateway.post("/v3/lease/revoke", EtcdGateway.JSON.createObjectNode().put("ID", lease.id()));
      if (!reply.ok() && reply.status() != 404) {
        log.debug("could not revoke etcd lease {} ({}); it expires by itself", lease.id(), reply.error());
      }
    }
  }

  /** Puts {@code key} = {@code json} attached to {@code lease}. */
  private EtcdGateway.Reply put(String key, String json, String lease) {
    return gateway.post("/v3/kv/put", EtcdGateway.JSON.createObjectNode()
        .put("key", EtcdGateway.base64(key)).put("value", EtcdGateway.base64(json)).put("lease", lease));
  }

  /** etcd's answer to a put under a lease it no longer has. */
  private static boolean leaseNotFound(EtcdGateway.Reply reply) {
    return reply.status() == 404 || reply.error().contains("lease not found");
  }

  /** Grants a lease for the shared lease table; throws when etcd refuses. */
  private String grant(long ttlSeconds) {
    EtcdGateway.Reply granted = gateway.post("/v3/lease/grant",
        EtcdGateway.JSON.createObjectNode().put("TTL", Long.toString(ttlSeconds)));
    if (!granted.ok() || EtcdGateway.int64(granted.body(), "ID") == 0) {
      throw new RegistryUnavailableException("etcd refused a lease of " + ttlSeconds + " s: " + granted.error());
    }
    return granted.body().path("ID").asText();
  }

  @Override
  public WatchHandle watch(String service, WatchListener listener) {
    if (closed) {
      throw new IllegalStateException("etcd backend is closed");
    }
    EtcdWatch watch = new EtcdWatch(this, service, listener);
    watches.add(watch);
    watchThreads.execute(() -> {
      try {
        watch.run();
      } finally {
        watches.remove(watch);
      }
    });
    return watch::close;
  }

  EtcdGateway gateway() {
    return gateway;
  }

  /**
   * The instance stored under {@code key} with {@code value}, or null after logging (once per key and
   * revision) when the key or value is malformed.
   */
  ServiceInstance decode(String service, String key, String value, long modRevision) {
    String id = key.substring(servicePrefix(service).length());
    if (malformed.tooLarge(key, Long.toString(modRevision), utf8Length(key) + utf8Length(value))) {
      return null;
    }
    try {
      if (id.isEmpty() || id.contains("/")) {
        throw new IllegalArgumentException("key is not <prefix>/<service>/<id>");
      }
      ServiceInstance instance = InstanceCodec.fromJson(value);
      if (!instance.service().equals(service) || !instance.id().equals(id)) {
        throw new IllegalArgumentException("value names '" + instance.service() + "/" + instance.id()
            + "', the key '" + service + "/" + id + "'");
      }
      return instance;
    } catch (IllegalArgumentException e) {
      malformed.skipped(key, Long.toString(modRevision), e.getMessage());
      return null;
    }
  }

  private static long utf8Length(String s) {
    long bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3; // a surrogate pair is 4
    }
    return bytes;
  }

  @Override
  public void close() {
    closed = true;
    watches.forEach(EtcdWatch::close);
    watchThreads.shutdownNow();
    gateway.close();
  }
}
