package io.discovery.client;

import io.discovery.client.spi.BackendContext;
import io.discovery.client.spi.RegistryBackend;
import io.discovery.client.spi.RegistryBackendFactory;
import io.discovery.client.time.Scheduler;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers this process's instances in a registry and serves cached views of other services.
 *
 * <pre>{@code
 * try (var discovery = DiscoveryClient.create("etcd://127.0.0.1:2379")) {
 *   discovery.register("orders", "10.1.2.3:8888");
 *   ServiceView payments = discovery.service("payments");
 * }
 * }</pre>
 *
 * <p>Neither {@link #create} nor {@link #register} waits for the registry: a service starts while its
 * registry is down and registers as soon as it is back. A JVM shutdown hook (one per client, see
 * {@link Builder#withoutShutdownHook()}) deregisters every open registration; {@link #close()} does
 * the same and removes the hook.
 */
public final class DiscoveryClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DiscoveryClient.class);

  /** The environment variable read when no registry URI is given. */
  public static final String REGISTRY_ENV = "DISCOVERY_REGISTRY";

  /** The environment variable naming the snapshot directory when the builder sets none. */
  public static final String SNAPSHOT_DIR_ENV = "DISCOVERY_SNAPSHOT_DIR";

  private final ClientSettings settings;
  private final boolean ownsScheduler;
  private final Map<String, ManagedRegistration> registrations = new ConcurrentHashMap<>();
  private final Map<String, WatchedServiceView> views = new ConcurrentHashMap<>();
  /** Called with every view, under {@link #closeLock}, whenever one starts or is dropped. */
  private final List<Consumer<Map<String, ServiceView>>> viewListeners = new CopyOnWriteArrayList<>();
  /** Whether the registry failed to answer the last time a view asked: new views then do not wait. */
  private final AtomicBoolean registryDown = new AtomicBoolean();
  private final Thread shutdownHook;
  private final Object closeLock = new Object();
  private volatile boolean closed;

  private DiscoveryClient(ClientSettings settings, boolean ownsScheduler, boolean installHook) {
    this.settings = settings;
    this.ownsScheduler = ownsScheduler;
    if (installHook) {
      shutdownHook = new Thread(this::closeOnShutdown, "discovery-shutdown");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    } else {
      shutdownHook = null;
    }
  }

  /**
   * A client for the registry named by the {@value #REGISTRY_ENV} environment variable.
   *
   * @return a new client with default settings; close it when done
   * @throws IllegalArgumentException if the variable is unset or blank, or names no backend on the
   *     classpath
   */
  public static DiscoveryClient create() {
    return builder().build();
  }

  /**
   * A client for {@code registryUri} with default settings: {@code etcd://host:2379[,host:2379][/prefix]},
   * {@code memory:} (in this JVM), or a scheme of another backend module on the classpath.
   *
   * @param registryUri the registry; null falls back to {@value #REGISTRY_ENV}
   * @return a new client with default settings; close it when done
   * @throws IllegalArgumentException if the URI is malformed or no backend on the classpath serves
   *     its scheme
   */
  public static DiscoveryClient create(String registryUri) {
    return builder().registry(registryUri).build();
  }

  /**
   * A builder for a client with non-default settings.
   *
   * @return a new builder, every setting at its default
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Registers {@code service} at {@code hostPort} (e.g. "10.1.2.3:8888") with the default id
   * {@code <service>-<host>-<port>}. Returns at once; the client registers in the background.
   *
   * @param service the service name
   * @param hostPort {@code host:port}, IPv6 hosts in brackets
   * @return the registration; closing it deregisters the instance
   * @throws IllegalArgumentException if the service name or address is invalid
   * @throws IllegalStateException as {@link #register(ServiceInstance)}
   */
  public Registration register(String service, String hostPort) {
    return register(ServiceInstance.of(service, hostPort));
  }

  /**
   * Registers {@code service} at this machine's address ({@link HostAddress#detect()}: the
   * {@value HostAddress#ENV} variable, else a site-local address of an interface that is up) and
   * {@code port}; logs the address chosen and why.
   *
   * @param service the service name
   * @param port the port this process serves on, 1 to 65535
   * @return the registration; closing it deregisters the instance
   * @throws IllegalArgumentException if the service name or port is invalid
   * @throws IllegalStateException as {@link #register(ServiceInstance)}
   */
  public Registration register(String service, int port) {
    HostAddress.Choice host = HostAddress.detect();
    log.info("registering '{}' at {}:{}: {}", service, host.host(), port, host.reason());
    return register(service, host.host() + ":" + port);
  }

  /**
   * Registers {@code instance} and keeps it registered until the returned registration or this
   * client is closed. Returns at once; see {@link Registration#awaitRegistered(Duration)}.
   *
   * @param instance the instance to register, not null
   * @return the registration; closing it deregisters the instance
   * @throws IllegalStateException if this client already registered an instance with the same
   *     service and id, or is closed
   * @throws IllegalArgumentException if the registry can never hold this instance (e.g. metadata
   *     keys Consul does not allow)
   * @throws UnsupportedOperationException if the registry is read-only (DNS)
   */
  public Registration register(ServiceInstance instance) {
    Objects.requireNonNull(instance, "instance");
    settings.backend().validate(instance);
    String key = instance.service() + "/" + instance.id();
    ManagedRegistration registration;
    synchronized (closeLock) {
      checkOpen();
      registration = new ManagedRegistration(instance, settings, closedOne -> registrations.remove(key, closedOne));
      ManagedRegistration existing = registrations.putIfAbsent(key, registration);
      if (existing != null) {
        throw new IllegalStateException("instance '" + instance.id() + "' of '" + instance.service()
            + "' is already registered by this client; close that Registration first or give this one another id");
      }
    }
    registration.start();
    return registration;
  }

  /**
   * The cached view of {@code service}. The first call for a service starts its watch and waits for
   * the first snapshot up to the initial load timeout (default 5 s; see
   * {@link Builder#initialLoadTimeout}); if the registry does not answer in time, the view starts
   * empty and stale and fills in when it does. Calls for a view still loading wait until that same
   * deadline, not a new one; and once the client knows the registry is unreachable (a view timed
   * out or its watch failed, and none has loaded since), a new view does not wait at all. So a
   * process that starts while its registry is down waits one timeout in total, however many
   * services it asks for.
   *
   * @param service the service name, case-insensitive
   * @return the view, shared by every caller asking for the same service; possibly empty and stale
   * @throws IllegalArgumentException if {@code service} is not a valid service name
   * @throws IllegalStateException if this client is closed
   */
  public ServiceView service(String service) {
    return service(service, settings.initialLoadTimeout());
  }

  /**
   * {@link #service(String)}, waiting at most {@code maxWait} for a view that has not loaded yet
   * (never longer than the view's own deadline); {@code Duration.ZERO} never waits.
   *
   * @param service the service name, case-insensitive
   * @param maxWait the longest this call waits for the first snapshot, not null
   * @return the view, shared by every caller asking for the same service; possibly empty and stale
   * @throws IllegalArgumentException if {@code service} is not a valid service name
   * @throws IllegalStateException if this client is closed
   */
  public ServiceView service(String service, Duration maxWait) {
    WatchedServiceView view = view(service, maxWait);
    view.claim();
    return view;
  }

  /**
   * {@link #lookup(String, Duration)}, waiting at most the initial load timeout, as {@link #service(String)} does.
   *
   * @param service the name to resolve, case-insensitive
   * @return the view; possibly empty and stale
   * @throws IllegalArgumentException if {@code service} is not a valid service name
   * @throws IllegalStateException if this client is closed
   */
  public ServiceView lookup(String service) {
    return lookup(service, settings.initialLoadTimeout());
  }

  /**
   * The view of {@code service} for callers that resolve names which may not be services (the
   * OkHttp interceptor): as {@link #service(String, Duration)}, except that {@link #forgetIfUnused}
   * may drop it again unless code asked for it through {@code service(...)}.
   *
   * @param service the name to resolve, case-insensitive
   * @param maxWait the longest this call waits for the first snapshot, not null
   * @return the view; possibly empty and stale
   * @throws IllegalArgumentException if {@code service} is not a valid service name
   * @throws IllegalStateException if this client is closed
   */
  public ServiceView lookup(String service, Duration maxWait) {
    return view(service, maxWait);
  }

  private WatchedServiceView view(String service, Duration maxWait) {
    String name = ServiceInstance.checkServiceName(service);
    Objects.requireNonNull(maxWait, "maxWait");
    // The file is read before taking the lock, so that disk I/O never holds up other calls.
    Snapshot restored = settings.snapshots() == null || views.containsKey(name) ? null
        : settings.snapshots().load(name).orElse(null);
    WatchedServiceView view;
    boolean created;
    synchronized (closeLock) {
      checkOpen();
      WatchedServiceView existing = views.get(name);
      created = existing == null;
      view = created ? new WatchedServiceView(name, settings, registryDown, restored) : existing;
      if (created) {
        views.put(name, view);
        viewsChanged();
      }
    }
    if (created) {
      view.start();
    }
    if (!view.awaitLoaded(maxWait) && created) {
      log.warn("no answer from the registry about '{}' yet (the registry {}); the view starts empty and stale and fills "
          + "in when it answers", name, registryDown.get() ? "is unreachable" : "did not answer within " + maxWait);
    }
    return view;
  }

  /**
   * Stops watching {@code service} and forgets its view, if the registry answered that it has no
   * instances, nothing subscribes to the view, and no code asked for it through {@link #service}
   * (only {@link #lookup}): for callers that resolve names which may not be services (the OkHttp
   * interceptor), so that each such name does not keep a watch for the life of the client. Returns
   * whether the view was dropped; a later call starts a new one.
   *
   * @param service the service name, case-insensitive
   * @return true if the view was dropped; false if there was none or it is still in use
   */
  public boolean forgetIfUnused(String service) {
    WatchedServiceView view;
    synchronized (closeLock) {
      view = views.get(service.toLowerCase(Locale.ROOT));
      if (view == null || view.claimed() || !view.loaded() || !view.snapshot().isEmpty() || view.hasSubscribers()) {
        return false;
      }
      views.remove(view.service(), view);
      viewsChanged();
    }
    view.close();
    return true;
  }

  /**
   * Calls {@code listener} with this client's views by service name now, and again whenever a view
   * starts (the first {@code service} or {@code lookup} of a name) or is dropped ({@link #forgetIfUnused}):
   * for code that follows every view, such as metrics. Calls are serialized and each sees the views of
   * that moment; they run while the client holds its lock, so keep them short and do not call the client
   * from them. What the listener throws is logged.
   *
   * @param listener called with an immutable map of service name to view
   * @return a handle whose {@code close()} removes the listener
   */
  public Subscription subscribeViews(Consumer<Map<String, ServiceView>> listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (closeLock) {
      viewListeners.add(listener);
      tell(listener, Map.copyOf(views));
    }
    return () -> viewListeners.remove(listener);
  }

  /** Caller holds {@link #closeLock}, so that listeners see the views in the order they changed. */
  private void viewsChanged() {
    if (viewListeners.isEmpty()) {
      return;
    }
    Map<String, ServiceView> now = Map.copyOf(views);
    viewListeners.forEach(listener -> tell(listener, now));
  }

  private static void tell(Consumer<Map<String, ServiceView>> listener, Map<String, ServiceView> views) {
    try {
      listener.accept(views);
    } catch (RuntimeException e) {
      log.warn("a view listener failed", e);
    }
  }

  /**
   * The services that have at least one instance in the registry now, sorted (Consul: its catalog,
   * Consul's own service included). Asks the registry on the caller's thread; for tools that show
   * the whole registry, not for picking instances.
   *
   * @return the service names, sorted; an immutable set
   * @throws UnsupportedOperationException when the registry cannot list services (DNS SRV)
   * @throws RegistryUnavailableException when the registry cannot be reached
   * @throws IllegalStateException if this client is closed
   */
  public java.util.SortedSet<String> services() {
    checkOpen();
    return settings.backend().services();
  }

  /**
   * The services this client watches (has a cached view of), in lower case.
   *
   * @return an immutable copy taken now
   */
  public java.util.Set<String> watchedServices() {
    return java.util.Set.copyOf(views.keySet());
  }

  /**
   * The registrations this client holds open.
   *
   * @return an immutable copy taken now, in no particular order
   */
  public List<Registration> registrations() {
    return List.copyOf(registrations.values());
  }

  /**
   * Stops heartbeats, deregisters every open registration (waiting at most the shutdown timeout,
   * default 5 s), stops watches and threads, and removes the shutdown hook. Idempotent.
   */
  @Override
  public void close() {
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // the hook is running or about to: it closes this client too
      }
    }
    closeNow();
  }

  private void closeOnShutdown() {
    log.info("JVM shutting down: deregistering {} instance(s)", registrations.size());
    closeNow();
  }

  private void closeNow() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    deregisterAll();
    views.values().forEach(WatchedServiceView::close);
    if (settings.snapshots() != null) {
      settings.snapshots().flush();
    }
    if (ownsScheduler) {
      settings.scheduler().close();
    }
    settings.backend().close();
  }

  /** Whether the client takes the registry for unreachable, so new views do not wait; for tests. */
  boolean registryKnownDown() {
    return registryDown.get();
  }

  /** The installed shutdown hook, or null; for tests. */
  Thread shutdownHook() {
    return shutdownHook;
  }

  /** Deregisters every open registration in parallel, waiting at most the shutdown timeout in all. */
  private void deregisterAll() {
    List<ManagedRegistration> open = new ArrayList<>(registrations.values());
    if (open.isEmpty()) {
      return;
    }
    Duration timeout = settings.shutdownTimeout();
    AtomicInteger n = new AtomicInteger();
    ExecutorService closers = Executors.newFixedThreadPool(Math.min(open.size(), 4), r -> {
      Thread t = new Thread(r, "discovery-close-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    open.forEach(registration -> closers.execute(() -> registration.close(timeout)));
    closers.shutdown();
    try {
      if (!closers.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        log.warn("deregistration did not finish within {}; what is left expires after its TTL of {}", timeout, settings.ttl());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this DiscoveryClient is closed; create a new one");
    }
  }

  /** Settings of a {@link DiscoveryClient}; every one has a default. */
  public static final class Builder {
    private String registry;
    private RegistryBackend backend;
    private Scheduler scheduler;
    private Duration ttl = Duration.ofSeconds(10);
    private Duration initialBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private Duration shutdownTimeout = Duration.ofSeconds(5);
    private Duration initialLoadTimeout = Duration.ofSeconds(5);
    private boolean shutdownHook = true;
    private Path snapshotDirectory;
    private Duration snapshotMaxAge = Duration.ofHours(24);
    private double protectShare = 0.5;
    private Duration protectHold;
    private int maxInstanceBytes = BackendContext.DEFAULT_MAX_INSTANCE_BYTES;
    private final List<DiscoveryListener> listeners = new ArrayList<>(List.of(DiscoveryListener.logging()));

    private Builder() {
    }

    /**
     * Registry URI; defaults to the {@value DiscoveryClient#REGISTRY_ENV} environment variable. It is
     * parsed by {@link #build()}, which throws if it is malformed.
     *
     * @param registryUri the registry, e.g. {@code etcd://127.0.0.1:2379}; null for the default
     * @return this builder
     */
    public Builder registry(String registryUri) {
      this.registry = registryUri;
      return this;
    }

    /**
     * Uses {@code backend} instead of one made from a URI; the client closes it.
     *
     * @param backend the backend; null goes back to the registry URI
     * @return this builder
     */
    public Builder backend(RegistryBackend backend) {
      this.backend = backend;
      return this;
    }

    /**
     * Time to live of a registration that stops renewing, at least 1 s (default 10 s); renewals run
     * at about a third of it.
     *
     * @param ttl how long the registry keeps an instance whose process stopped renewing
     * @return this builder
     * @throws IllegalArgumentException if {@code ttl} is under 1 second
     */
    public Builder ttl(Duration ttl) {
      if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("invalid ttl " + ttl + ": expected at least 1 second");
      }
      this.ttl = ttl;
      return this;
    }

    /**
     * Backoff between retries against an unreachable registry: from {@code initial} doubling up to
     * {@code max} (default 200 ms to 5 s), each delay drawn between half and all of its step.
     *
     * @param initial the first delay, more than zero
     * @param max the largest delay, at least {@code initial}
     * @return this builder
     * @throws IllegalArgumentException unless {@code 0 < initial <= max}
     */
    public Builder retryBackoff(Duration initial, Duration max) {
      new Backoff(initial, max);
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /**
     * How long closing (and the shutdown hook) waits for deregistration at most (default 5 s).
     *
     * @param timeout zero or more; what is not deregistered by then expires after its TTL
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public Builder shutdownTimeout(Duration timeout) {
      this.shutdownTimeout = requireNonNegative(timeout, "shutdown timeout");
      return this;
    }

    /**
     * How long the first {@link DiscoveryClient#service} call for a service waits for the registry
     * (default 5 s).
     *
     * @param timeout zero or more; zero never waits
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public Builder initialLoadTimeout(Duration timeout) {
      this.initialLoadTimeout = requireNonNegative(timeout, "initial load timeout");
      return this;
    }

    /**
     * Keeps the last good snapshot of every view in {@code directory}, one file per service, written
     * atomically a second after each change; a view whose registry does not answer at startup starts
     * from its file, stale. Default: the {@value DiscoveryClient#SNAPSHOT_DIR_ENV} environment
     * variable, else none.
     *
     * @param directory where the files go, not null; created when first written
     * @return this builder
     */
    public Builder snapshotDirectory(Path directory) {
      this.snapshotDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * Snapshot files older than {@code maxAge} are not used (default 24 h).
     *
     * @param maxAge zero or more
     * @return this builder
     * @throws IllegalArgumentException if {@code maxAge} is negative
     */
    public Builder snapshotMaxAge(Duration maxAge) {
      this.snapshotMaxAge = requireNonNegative(maxAge, "snapshot maximum age");
      return this;
    }

    /**
     * The protect threshold (default 0.5): when an answer would remove two or more instances at once
     * and leave less than {@code share} of a view's list, the view keeps its list, stale and
     * {@link Snapshot#held() held}, until enough are back or {@code hold} has passed (default 2 x
     * TTL). Instances leaving one per answer, as deregistrations do, go at once.
     *
     * @param share from 0 (off) to 1
     * @param hold zero or more: the longest a view keeps a list the registry no longer has
     * @return this builder
     * @throws IllegalArgumentException if {@code share} is outside 0 to 1 or {@code hold} is negative
     */
    public Builder protectThreshold(double share, Duration hold) {
      new Protection(share, hold);
      this.protectShare = share;
      this.protectHold = hold;
      return this;
    }

    /**
     * Turns the protect threshold off: every answer replaces the view's list at once.
     *
     * @return this builder
     */
    public Builder withoutProtection() {
      this.protectShare = 0;
      return this;
    }

    /**
     * Adds a listener for the client's {@link DiscoveryEvent}s (registrations, views, protection),
     * called in the order added, after the default logging listener.
     *
     * @param listener the listener, not null
     * @return this builder
     */
    public Builder listener(DiscoveryListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * The largest instance, as the registry stores it (key and value), that views take and that
     * {@code register} accepts (default 64 KiB); larger entries in the registry are logged once and
     * skipped, like malformed ones. For backends made from a URI (etcd, ZooKeeper); Consul bounds
     * metadata itself.
     *
     * @param bytes more than zero
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is zero or less
     */
    public Builder maxInstanceBytes(int bytes) {
      new BackendContext(null, ttl, bytes);
      this.maxInstanceBytes = bytes;
      return this;
    }

    /**
     * Leaves out the default listener that logs every event through SLF4J.
     *
     * @return this builder
     */
    public Builder withoutLogging() {
      listeners.remove(DiscoveryListener.logging());
      return this;
    }

    /**
     * Do not install the JVM shutdown hook; the caller closes the client itself.
     *
     * @return this builder
     */
    public Builder withoutShutdownHook() {
      this.shutdownHook = false;
      return this;
    }

    /**
     * Runs background work and reads time on {@code scheduler} (e.g. a {@code ManualScheduler} in
     * tests); the caller closes it.
     *
     * @param scheduler the scheduler, not null
     * @return this builder
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * The client; connects lazily, so this does not wait for the registry.
     *
     * @return a new client; close it when done
     * @throws IllegalArgumentException if no registry URI is set (here or in
     *     {@value DiscoveryClient#REGISTRY_ENV}), it is malformed, or no backend on the classpath
     *     serves its scheme
     */
    public DiscoveryClient build() {
      boolean ownsScheduler = scheduler == null;
      Scheduler sched = ownsScheduler ? Scheduler.threads("discovery-scheduler", 2) : scheduler;
      RegistryBackend be;
      try {
        be = backend != null ? backend
            : backendFor(registry != null ? registry : System.getenv(REGISTRY_ENV), new BackendContext(sched, ttl, maxInstanceBytes));
      } catch (RuntimeException e) {
        if (ownsScheduler) {
          sched.close();
        }
        throw e;
      }
      String envDirectory = System.getenv(SNAPSHOT_DIR_ENV);
      Path directory = snapshotDirectory != null ? snapshotDirectory
          : envDirectory == null || envDirectory.isBlank() ? null : Path.of(envDirectory);
      SnapshotStore snapshots = directory == null ? null : new SnapshotStore(directory, snapshotMaxAge, sched);
      Protection protection = new Protection(protectShare, protectHold != null ? protectHold : ttl.multipliedBy(2));
      ClientSettings settings = new ClientSettings(be, sched, ttl, new Backoff(initialBackoff, maxBackoff),
          shutdownTimeout, initialLoadTimeout, snapshots, protection, new Events(listeners));
      return new DiscoveryClient(settings, ownsScheduler, shutdownHook);
    }

    private static Duration requireNonNegative(Duration d, String what) {
      if (d.isNegative()) {
        throw new IllegalArgumentException("invalid " + what + " " + d + ": expected zero or more");
      }
      return d;
    }

    /** Schemes served by modules of their own, and the artifact that brings each. */
    private static final Map<String, String> MODULES = Map.of("zookeeper", "io.discovery:discovery-zookeeper");

    private static RegistryBackend backendFor(String registryUri, BackendContext context) {
      if (registryUri == null || registryUri.isBlank()) {
        throw new IllegalArgumentException("no registry URI given and " + REGISTRY_ENV
            + " is not set: pass one, e.g. etcd://127.0.0.1:2379 or memory:");
      }
      String text = registryUri.trim();
      if (text.equals("memory:") || text.equals("memory")) {
        text = "memory://default";
      }
      URI uri = io.discovery.client.internal.RegistryUris.parse(text, "registry");
      Map<String, RegistryBackendFactory> factories = new TreeMap<>();
      for (RegistryBackendFactory factory : ServiceLoader.load(RegistryBackendFactory.class, DiscoveryClient.class.getClassLoader())) {
        factories.putIfAbsent(factory.scheme(), factory);
      }
      if (uri.getScheme() == null) {
        throw new IllegalArgumentException("invalid registry URI '" + redact(registryUri) + "': no scheme; expected e.g. "
            + "etcd://127.0.0.1:2379, consul://127.0.0.1:8500, zookeeper://127.0.0.1:2181/services or memory:");
      }
      String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
      RegistryBackendFactory factory = factories.get(scheme);
      if (factory == null) {
        String module = MODULES.get(scheme);
        throw new IllegalArgumentException("invalid registry URI '" + redact(registryUri) + "': no backend for scheme '"
            + scheme + "' on the classpath" + (module == null ? "" : "; add the dependency " + module)
            + "; available: " + String.join(", ", factories.keySet()));
      }
      return factory.create(uri, context);
    }

    private static String redact(String uri) {
      return io.discovery.client.internal.RegistryUris.redacted(uri);
    }
  }
}
