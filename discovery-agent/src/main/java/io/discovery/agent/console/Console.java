package io.discovery.agent.console;

import com.sun.net.httpserver.HttpServer;
import io.discovery.agent.Durations;
import io.discovery.client.DiscoveryClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live web page of a registry: every service, its instances, its view's age and stale flag, and
 * (Consul) its critical checks, pushed to open pages as server-sent events. Owns two thread groups,
 * both closed by {@link #close()}: a timer ({@code console-timer-*}: re-listing, the debounced
 * push, heartbeats) and the HTTP server's handlers ({@code console-http-*}, one per open event
 * stream). The client it reads stays the caller's to close.
 */
public final class Console implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Console.class);
  /** How many event streams (open pages) may be connected at once. */
  static final int MAX_STREAMS = 64;
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
  /** Where a console listens unless told otherwise: loopback only, port 8500. */
  static final InetSocketAddress DEFAULT_BIND = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8500);

  private final InetSocketAddress bind;
  private final Duration refresh;
  private final Duration debounce;
  private final Duration heartbeat;
  private final Clock clock = Clock.systemUTC();
  private final RegistryTracker tracker;
  private final EventStreams streams = new EventStreams(MAX_STREAMS);
  private final ScheduledExecutorService timer;
  private final ExecutorService httpThreads;
  private final AtomicBoolean publishPending = new AtomicBoolean();
  private final Object closeLock = new Object();
  /** Guarded by this: the state last pushed, so that an unchanged one is not pushed again. */
  private ConsoleState published;
  private volatile HttpServer server;
  private volatile boolean closed;

  private Console(Builder b) {
    this.bind = b.bind;
    this.refresh = b.refresh;
    this.debounce = b.debounce;
    this.heartbeat = b.heartbeat;
    this.timer = Executors.newScheduledThreadPool(2, named("console-timer"));
    this.httpThreads = Executors.newCachedThreadPool(named("console-http"));
    this.tracker = new RegistryTracker(b.client, b.registry, b.checks, this::changed);
  }

  /** A builder for a console of the registry {@code client} reads. */
  public static Builder builder(DiscoveryClient client) {
    return new Builder(client);
  }

  /**
   * Lists the services once on the calling thread, so that a registry that cannot list fails here,
   * then listens and starts re-listing every refresh interval.
   */
  private void open() {
    tracker.refresh();
    HttpServer http;
    try {
      http = HttpServer.create(bind, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + hostPort(bind) + ": " + e.getMessage()
          + "; choose another --port (0: any free port) or --bind", e);
    }
    http.setExecutor(httpThreads);
    http.createContext("/", new Routes(tracker::state, clock, streams, bind.getAddress().isLoopbackAddress()));
    http.start();
    server = http;
    timer.scheduleWithFixedDelay(this::refreshSafely, refresh.toNanos(), refresh.toNanos(), TimeUnit.NANOSECONDS);
    timer.scheduleAtFixedRate(streams::heartbeat, heartbeat.toNanos(), heartbeat.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The page's address, e.g. {@code http://127.0.0.1:8500/}; on a wildcard bind, its loopback address. */
  public URI uri() {
    InetSocketAddress address = server.getAddress();
    InetAddress host = address.getAddress().isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : address.getAddress();
    return URI.create("http://" + hostPort(new InetSocketAddress(host, address.getPort())) + "/");
  }

  /** The address the server listens on (port 0 resolved). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  private static String hostPort(InetSocketAddress address) {
    InetAddress host = address.getAddress();
    String text = host == null ? address.getHostString() : host.getHostAddress();
    return (host instanceof Inet6Address ? "[" + text + "]" : text) + ":" + address.getPort();
  }

  private void refreshSafely() {
    try {
      tracker.refresh();
    } catch (RuntimeException e) { // the schedule must go on: the next refresh may work
      log.warn("console: refreshing the service list failed: {}", e.toString());
    }
  }

  /** A view or the listing changed: push the state once things settle for the debounce interval. */
  private void changed() {
    if (closed || !publishPending.compareAndSet(false, true)) {
      return;
    }
    try {
      timer.schedule(this::publish, debounce.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      publishPending.set(false);
    }
  }

  private synchronized void publish() {
    publishPending.set(false); // first: a change from here on schedules the next push
    ConsoleState now = tracker.state();
    if (now.equals(published)) {
      return;
    }
    published = now;
    streams.broadcast(StateJson.write(now, clock.instant()));
  }

  /** The services the console shows or still holds a view of; for tests. */
  java.util.Set<String> heldServices() {
    return tracker.held();
  }

  /** How many event streams are open; for tests. */
  int openStreams() {
    return streams.size();
  }

  /**
   * Ends the event streams, stops the server and the timer, and lets go of every view; each wait is
   * bounded (5 s). Idempotent.
   */
  @Override
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    streams.close();
    HttpServer http = server;
    if (http != null) {
      http.stop(0);
    }
    stop(timer, "console-timer");
    tracker.close();
    stop(httpThreads, "console-http");
  }

  private static void stop(ExecutorService threads, String name) {
    threads.shutdownNow();
    try {
      if (!threads.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("console: the {} threads did not stop within {}", name, CLOSE_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Settings of a {@link Console}; every one but the client has a default. */
  public static final class Builder {
    private final DiscoveryClient client;
    private String registry = "(registry)";
    private InetSocketAddress bind = DEFAULT_BIND;
    private Duration refresh = Duration.ofSeconds(2);
    private Duration debounce = Duration.ofMillis(100);
    private Duration heartbeat = Duration.ofSeconds(15);
    private CriticalChecks checks;

    private Builder(DiscoveryClient client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /** The registry's URI as the page shows it: pass it without secrets. */
    public Builder registry(String shown) {
      this.registry = Objects.requireNonNull(shown, "shown");
      return this;
    }

    /** Where to listen (default 127.0.0.1:8500, loopback only); port 0 takes any free port. */
    public Builder bind(InetSocketAddress address) {
      this.bind = Objects.requireNonNull(address, "address");
      return this;
    }

    /** How often the services are listed again, to find new and removed ones (default 2 s). */
    public Builder refresh(Duration every) {
      this.refresh = positive(every, "refresh interval");
      return this;
    }

    /** How long after a change the state is pushed, so that a burst of changes gives one push (default 100 ms). */
    public Builder debounce(Duration wait) {
      this.debounce = positive(wait, "debounce");
      return this;
    }

    /** How often an idle event stream gets a comment, so that proxies keep it open (default 15 s). */
    public Builder heartbeat(Duration every) {
      this.heartbeat = positive(every, "heartbeat interval");
      return this;
    }

    /** Shows the checks {@code checks} reports critical (Consul's), read at every refresh; none by default. */
    public Builder criticalChecks(CriticalChecks checks) {
      this.checks = Objects.requireNonNull(checks, "checks");
      return this;
    }

    /**
     * Lists the services once, then listens.
     *
     * @throws UnsupportedOperationException when the registry cannot list its services (DNS SRV)
     * @throws UncheckedIOException when the address cannot be bound (e.g. the port is taken)
     */
    public Console start() {
      Console console = new Console(this);
      try {
        console.open();
      } catch (RuntimeException e) {
        console.close();
        throw e;
      }
      return console;
    }

    private static Duration positive(Duration d, String what) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("invalid " + what + " " + (d == null ? null : Durations.format(d)) + ": expected more than zero");
      }
      return d;
    }
  }
}
