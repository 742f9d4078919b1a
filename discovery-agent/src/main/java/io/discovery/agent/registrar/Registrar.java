package io.discovery.agent.registrar;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.time.Scheduler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Third-party registration: registers each endpoint of a {@link RegistrarConfig} through a
 * {@link DiscoveryClient} while its check passes (after {@code rise} consecutive passes), and
 * deregisters it after {@code fall} consecutive failures. {@link #apply} takes a new config without
 * a restart: endpoints whose settings did not change are not touched, removed ones are deregistered,
 * new ones start checking.
 *
 * <p>Checks run on a bounded pool; a timer only schedules them. {@link #create} makes both (a timer
 * thread and at most {@value #MAX_CHECK_WORKERS} check workers); tests pass a fake-time scheduler, a
 * direct executor and scripted checks.
 */
public final class Registrar implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Registrar.class);

  /** The most checks that {@link #create}'s registrar runs at once, however many endpoints it fronts. */
  public static final int MAX_CHECK_WORKERS = 16;

  /** What one {@link #apply} did. */
  public record Applied(int added, int changed, int removed, int unchanged) {
  }

  private final Endpoint.Env env;
  private final List<AutoCloseable> owned;
  /** By {@link EndpointConfig#key()}; guarded by this. */
  private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
  /** Guarded by this. */
  private boolean closed;

  /**
   * A registrar that schedules checks on {@code scheduler}, runs them on {@code workers} with
   * {@code checks}, and registers through {@code client}; it owns none of them.
   */
  public Registrar(DiscoveryClient client, Scheduler scheduler, Executor workers, CheckRunner checks) {
    this(new Endpoint.Env(Objects.requireNonNull(client, "client"), Objects.requireNonNull(scheduler, "scheduler"),
        Objects.requireNonNull(workers, "workers"), Objects.requireNonNull(checks, "checks")), List.of());
  }

  private Registrar(Endpoint.Env env, List<AutoCloseable> owned) {
    this.env = env;
    this.owned = owned;
  }

  /**
   * A registrar with threads of its own, which {@link #close()} stops: a timer
   * ({@code registrar-timer}), at most {@value #MAX_CHECK_WORKERS} check workers
   * ({@code registrar-check-N}, started as needed) and the real HTTP, TCP and script probes.
   */
  public static Registrar create(DiscoveryClient client) {
    Scheduler timer = Scheduler.threads("registrar-timer", 1);
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor workers = new ThreadPoolExecutor(MAX_CHECK_WORKERS, MAX_CHECK_WORKERS, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "registrar-check-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    workers.allowCoreThreadTimeOut(true);
    AutoCloseable stopWorkers = () -> {
      workers.shutdownNow(); // interrupts running checks: a script is killed, an HTTP request cancelled
      if (!workers.awaitTermination(2, TimeUnit.SECONDS)) {
        log.warn("check workers still running 2 s after the registrar closed");
      }
    };
    return new Registrar(new Endpoint.Env(client, timer, workers, new Probes()), List.of(timer, stopWorkers));
  }

  /**
   * Makes {@code config} the one in force: deregisters endpoints it no longer has, starts checking
   * new ones, hands changed ones over with their status, and leaves the rest alone.
   */
  public synchronized Applied apply(RegistrarConfig config) {
    if (closed) {
      throw new IllegalStateException("this registrar is closed");
    }
    Map<String, EndpointConfig> wanted = new LinkedHashMap<>();
    config.services().forEach(e -> wanted.put(e.key(), e));
    int removed = 0;
    int changed = 0;
    int added = 0;
    for (String key : new ArrayList<>(endpoints.keySet())) {
      if (!wanted.containsKey(key)) {
        Endpoint gone = endpoints.remove(key);
        log.info("{} removed from the config: {}", gone.config().label(), gone.stop() ? "deregistered" : "was not registered");
        removed++;
      }
    }
    for (EndpointConfig next : wanted.values()) {
      Endpoint current = endpoints.get(next.key());
      if (current == null) {
        Endpoint endpoint = new Endpoint(next, env);
        endpoints.put(next.key(), endpoint);
        endpoint.start();
        added++;
      } else if (!current.config().equals(next)) {
        Endpoint endpoint = current.handOver(next);
        endpoints.put(next.key(), endpoint);
        endpoint.start();
        changed++;
      }
    }
    Applied applied = new Applied(added, changed, removed, wanted.size() - added - changed);
    log.info("config applied: {} endpoint(s); {} added, {} changed, {} removed, {} unchanged", wanted.size(),
        applied.added(), applied.changed(), applied.removed(), applied.unchanged());
    return applied;
  }

  /** The rise/fall status of each endpoint, by {@code "<service> <address> <id>"}. */
  synchronized Map<String, HealthTracker.Status> statuses() {
    Map<String, HealthTracker.Status> result = new LinkedHashMap<>();
    endpoints.forEach((key, endpoint) -> result.put(key, endpoint.status()));
    return result;
  }

  /**
   * Stops every check and the threads this registrar owns (waiting at most 2 s for running checks,
   * which are interrupted). Registrations stay with the client: its {@code close()}, or its shutdown
   * hook on SIGTERM, deregisters them all in parallel within its shutdown timeout. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      endpoints.values().forEach(Endpoint::pause);
    }
    for (AutoCloseable resource : owned) {
      try {
        resource.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        log.warn("closing the registrar: {}", e.toString());
      }
    }
  }
}
