package io.discovery.agent.registrar;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import io.discovery.client.time.ScheduledTask;
import io.discovery.client.time.Scheduler;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One endpoint at run time: its check, run on the workers each interval (the next one is scheduled
 * only when the last has ended, so two never overlap), its rise/fall count, and its registration
 * while it passes. Everything but the check itself runs under this object's lock.
 */
final class Endpoint {
  private static final Logger log = LoggerFactory.getLogger(Registrar.class);

  /** What every endpoint of one registrar shares. */
  record Env(DiscoveryClient client, Scheduler scheduler, Executor workers, CheckRunner checks) {
  }

  private final EndpointConfig config;
  private final Env env;
  private final HealthTracker health;
  /** Guarded by this. */
  private Registration registration;
  /** Guarded by this. */
  private ScheduledTask next;
  /** Guarded by this. */
  private boolean stopped;
  private final boolean registerAtStart;

  Endpoint(EndpointConfig config, Env env) {
    this(config, env, new HealthTracker(config.rise(), config.fall()), null, false);
  }

  private Endpoint(EndpointConfig config, Env env, HealthTracker health, Registration registration, boolean registerAtStart) {
    this.config = config;
    this.env = env;
    this.health = health;
    this.registration = registration;
    this.registerAtStart = registerAtStart;
  }

  EndpointConfig config() {
    return config;
  }

  /** Starts checking now (and registers at once if this endpoint took over a passing one whose instance changed). */
  synchronized void start() {
    if (registerAtStart) {
      log.info("{} passing: {} with its new settings", config.label(), register());
    }
    schedule(Duration.ZERO);
  }

  /** Where the rise/fall count stands. */
  synchronized HealthTracker.Status status() {
    return health.status();
  }

  /** Stops checking and deregisters; returns whether it was registered. */
  synchronized boolean stop() {
    pause();
    return deregister();
  }

  /** Stops checking and leaves the registration to the client, whose close deregisters all in parallel. */
  synchronized void pause() {
    stopped = true;
    if (next != null) {
      next.cancel();
    }
  }

  /**
   * Stops this endpoint and returns one for {@code changed} (same key, other settings) that keeps its
   * status: a registration that still matches is handed over untouched; one whose instance changed
   * (metadata, weight, zone) is replaced at once, without waiting for a new rise count; and a passing
   * endpoint whose registration was refused is registered again at once, in case the change fixed it.
   */
  synchronized Endpoint handOver(EndpointConfig changed) {
    pause();
    Registration kept = registration;
    registration = null;
    boolean reRegister = kept == null && health.status() == HealthTracker.Status.PASSING;
    if (kept != null && !kept.instance().equals(changed.instance())) {
      kept.close();
      kept = null;
      reRegister = true;
    }
    return new Endpoint(changed, env, health.withThresholds(changed.rise(), changed.fall()), kept, reRegister);
  }

  private void schedule(Duration delay) {
    if (!stopped) {
      next = env.scheduler().schedule(this::dispatch, delay);
    }
  }

  private void dispatch() {
    try {
      env.workers().execute(this::runCheck);
    } catch (RejectedExecutionException closing) {
      // the registrar is closing: no more checks
    }
  }

  private void runCheck() {
    long start = env.scheduler().nanoTime();
    CheckResult result;
    try {
      result = env.checks().check(config);
    } catch (RuntimeException e) {
      result = CheckResult.fail("the check itself failed: " + e);
    }
    synchronized (this) {
      if (stopped) {
        return;
      }
      record(result);
      Duration elapsed = Duration.ofNanos(env.scheduler().nanoTime() - start);
      Duration interval = config.check().interval();
      schedule(elapsed.compareTo(interval) >= 0 ? Duration.ZERO : interval.minus(elapsed));
    }
  }

  private void record(CheckResult result) {
    boolean passed = result.passed();
    HealthTracker.Status changed = health.record(passed);
    String counts = "(" + health.streak(passed) + " of " + health.threshold(passed) + ")";
    if (changed == null) {
      log.debug("{} check {} {}: {}", config.label(), passed ? "passed" : "failed", counts, result.detail());
    } else if (changed == HealthTracker.Status.PASSING) {
      log.info("{} passing {}: {}", config.label(), counts, register());
    } else {
      log.warn("{} failing {}: {}: {}", config.label(), counts, deregister() ? "deregistered" : "not registered",
          result.detail());
    }
  }

  private String register() {
    try {
      registration = env.client().register(config.instance());
      return "registered";
    } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
      return "not registered: " + e.getMessage();
    }
  }

  private boolean deregister() {
    Registration r = registration;
    registration = null;
    if (r == null) {
      return false;
    }
    r.close();
    return true;
  }
}
