package io.discovery.loadbalancer;

import io.discovery.client.NoInstancesException;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Picks an instance of one service for each outbound call, from the view's current snapshot. The
 * balancer subscribes to its view and builds what picks need when the view changes, so a pick takes
 * no lock, never builds, never calls the registry, and hands out each instance at the address the
 * view holds now.
 *
 * <pre>{@code
 * LoadBalancer payments = LoadBalancer.builder(discovery.service("payments"))
 *     .policy(Policy.peakEwma())
 *     .outlierEjection()
 *     .build();
 * try (CallHandle call = payments.begin()) {
 *   try {
 *     send(call.instance());
 *     call.succeeded();
 *   } catch (IOException e) {
 *     call.failed(e); // counts against the instance's breaker and latency estimate
 *     throw e;
 *   }
 * }
 * }</pre>
 */
public interface LoadBalancer {

  /**
   * The instance for the next call. Outcomes are not reported, so ejected instances (open breakers)
   * are skipped but no half-open probe is taken; use {@link #begin()} to feed breakers and latency.
   *
   * @throws NoInstancesException if the view holds no instance
   */
  ServiceInstance pick();

  /** The instance for a call about {@code key}: the same key keeps its instance under {@link Policy#consistentHash()}. */
  ServiceInstance pick(String key);

  /**
   * Picks an instance and counts a call to it as in flight until the handle is closed.
   *
   * @throws NoInstancesException if the view holds no instance
   */
  CallHandle begin();

  /** {@link #begin()} for a call about {@code key}; see {@link #pick(String)}. */
  CallHandle begin(String key);

  /** The view this balancer picks from. */
  ServiceView view();

  /** Each instance in turn; see {@link Policy#roundRobin()}. */
  static LoadBalancer roundRobin(ServiceView view) {
    return builder(view).policy(Policy.roundRobin()).build();
  }

  /** Fewest calls in flight; see {@link Policy#leastConnection()}. */
  static LoadBalancer leastConnection(ServiceView view) {
    return builder(view).policy(Policy.leastConnection()).build();
  }

  /** A balancer with a policy and options other than the defaults (round-robin, no ejection). */
  static Builder builder(ServiceView view) {
    return new Builder(view);
  }

  /** Settings of a {@link LoadBalancer}. */
  final class Builder {
    final ServiceView view;
    Policy policy = Policy.roundRobin();
    String zone;
    int minHealthyInZone = 1;
    Duration slowStart;
    CircuitBreakerRegistry breakers;
    double panicShare = 1.0;
    Listener listener = new Listener() { };
    LongSupplier ticker = System::nanoTime;
    Supplier<RandomGenerator> random = ThreadLocalRandom::current;

    private Builder(ServiceView view) {
      this.view = Objects.requireNonNull(view, "view");
    }

    /** The policy (default {@link Policy#roundRobin()}). */
    public Builder policy(Policy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Prefer instances in {@code zone}; use all zones while fewer than one local instance is healthy. */
    public Builder preferZone(String zone) {
      return preferZone(zone, 1);
    }

    /** Prefer instances in {@code zone}; spill to all zones while fewer than {@code minHealthy} local instances are not ejected. */
    public Builder preferZone(String zone, int minHealthy) {
      if (minHealthy < 1) {
        throw new IllegalArgumentException("invalid minimum of healthy local instances " + minHealthy + ": expected 1 or more");
      }
      this.zone = Objects.requireNonNull(zone, "zone");
      this.minHealthyInZone = minHealthy;
      return this;
    }

    /**
     * An instance that appears after the balancer started gets a share of its traffic that grows
     * linearly from 10% to all over {@code window}, so a cold (JIT-less, cache-less) instance is
     * not flooded. Instances present at the start are warm.
     */
    public Builder slowStart(Duration window) {
      if (window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("invalid slow-start window " + window + ": expected more than zero");
      }
      this.slowStart = window;
      return this;
    }

    /**
     * One circuit breaker per instance with defaults suited to ejection: open at 50% failures over
     * the last 10 calls (at least 5), probe again after 5 s with 3 calls. Open instances are skipped.
     */
    public Builder outlierEjection() {
      return outlierEjection(CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
          .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
          .slidingWindowSize(10)
          .minimumNumberOfCalls(5)
          .failureRateThreshold(50)
          .waitDurationInOpenState(Duration.ofSeconds(5))
          .permittedNumberOfCallsInHalfOpenState(3)
          .build()));
    }

    /**
     * One circuit breaker per instance from {@code registry}, named
     * {@code <service>/<instance id>@<host>:<port>} (a moved instance gets a new one); open instances
     * are skipped.
     */
    public Builder outlierEjection(CircuitBreakerRegistry registry) {
      this.breakers = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Panic mode: when more than {@code share} of the instances are ejected (default 1.0: all of
     * them), pick among all instances instead of overloading the few left or failing every call.
     */
    public Builder panicWhenEjectedAbove(double share) {
      if (!(share >= 0 && share <= 1)) {
        throw new IllegalArgumentException("invalid panic share " + share + ": expected 0 to 1");
      }
      this.panicShare = share;
      return this;
    }

    /** Receives ejections and panic mode changes. */
    public Builder listener(Listener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * The nanosecond clock for latency and slow start (default {@code System::nanoTime}); pass the
     * client's {@code Scheduler::nanoTime} to run the client and its balancers on one clock.
     */
    public Builder ticker(LongSupplier ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Where the balancer's random draws come from (default {@code ThreadLocalRandom::current}):
     * round-robin starting points, the two choices of least-connection and peak-EWMA, the random
     * policies, keyless consistent-hash picks, slow-start admission and the fallback scan after
     * unlucky draws. {@code source.get()} is called on the picking thread for each draw, so what it
     * returns must be safe to use there. A seeded generator, in a test or a simulation driven from
     * one thread, makes every run take the same path.
     */
    public Builder random(Supplier<? extends RandomGenerator> source) {
      @SuppressWarnings("unchecked") // a supplier of a subtype supplies RandomGenerators
      Supplier<RandomGenerator> typed = (Supplier<RandomGenerator>) Objects.requireNonNull(source, "source");
      this.random = typed;
      return this;
    }

    public LoadBalancer build() {
      return new DefaultLoadBalancer(this);
    }
  }
}
