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
   * @return an instance from the view's current snapshot
   * @throws NoInstancesException if the view holds no instance
   */
  ServiceInstance pick();

  /**
   * The instance for a call about {@code key}: the same key keeps its instance under
   * {@link Policy#consistentHash()}; other policies ignore the key.
   *
   * @param key the call's sticky key (a user or tenant id, say), not null
   * @return an instance from the view's current snapshot
   * @throws NoInstancesException if the view holds no instance
   */
  ServiceInstance pick(String key);

  /**
   * Picks an instance and counts a call to it as in flight until the handle is closed.
   *
   * @return the handle of the call; close it when the call ends
   * @throws NoInstancesException if the view holds no instance
   */
  CallHandle begin();

  /**
   * {@link #begin()} for a call about {@code key}; see {@link #pick(String)}.
   *
   * @param key the call's sticky key, not null
   * @return the handle of the call; close it when the call ends
   * @throws NoInstancesException if the view holds no instance
   */
  CallHandle begin(String key);

  /**
   * The view this balancer picks from.
   *
   * @return the view given to the builder
   */
  ServiceView view();

  /**
   * What this balancer has done and holds now, for metrics. Balancers made by {@link Builder} keep
   * these; other implementations throw {@link UnsupportedOperationException} unless they override this.
   *
   * @return picks so far, calls in flight, ejected instances and panic mode
   */
  default Stats stats() {
    throw new UnsupportedOperationException(getClass().getName() + " keeps no stats; build the balancer with LoadBalancer.builder(view)");
  }

  /**
   * A balancer's numbers at one moment.
   *
   * @param picks    instances handed out so far by {@code pick} and {@code begin}
   * @param inFlight calls begun and not yet closed, on the instances the view holds now
   * @param ejected  instances whose circuit breaker is not closed (open or half-open)
   * @param panic    whether picks ignore ejection because too many instances are ejected, as of the last pick
   */
  record Stats(long picks, int inFlight, int ejected, boolean panic) {
    /**
     * Refuses a negative count.
     *
     * @param picks    0 or more
     * @param inFlight 0 or more
     * @param ejected  0 or more
     * @param panic    whether panic mode is on
     * @throws IllegalArgumentException if a count is negative
     */
    public Stats {
      if (picks < 0 || inFlight < 0 || ejected < 0) {
        throw new IllegalArgumentException("invalid stats: " + picks + " picks, " + inFlight + " in flight, " + ejected
            + " ejected: expected no negative count");
      }
    }
  }

  /**
   * Each instance in turn; see {@link Policy#roundRobin()}.
   *
   * @param view the service's view, not null
   * @return a new balancer, following the view as long as it is referenced
   */
  static LoadBalancer roundRobin(ServiceView view) {
    return builder(view).policy(Policy.roundRobin()).build();
  }

  /**
   * Fewest calls in flight; see {@link Policy#leastConnection()}.
   *
   * @param view the service's view, not null
   * @return a new balancer, following the view as long as it is referenced
   */
  static LoadBalancer leastConnection(ServiceView view) {
    return builder(view).policy(Policy.leastConnection()).build();
  }

  /**
   * A balancer with a policy and options other than the defaults (round-robin, no ejection).
   *
   * @param view the service's view, not null
   * @return a new builder
   * @throws NullPointerException if {@code view} is null
   */
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

    /**
     * The policy (default {@link Policy#roundRobin()}).
     *
     * @param policy not null
     * @return this builder
     */
    public Builder policy(Policy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Prefer instances in {@code zone}; use all zones while no local instance is healthy (not ejected).
     *
     * @param zone this caller's zone, compared with {@link ServiceInstance#zone()}; not null
     * @return this builder
     */
    public Builder preferZone(String zone) {
      return preferZone(zone, 1);
    }

    /**
     * Prefer instances in {@code zone}; spill to all zones while fewer than {@code minHealthy} local
     * instances are not ejected.
     *
     * @param zone       this caller's zone, compared with {@link ServiceInstance#zone()}; not null
     * @param minHealthy 1 or more
     * @return this builder
     * @throws IllegalArgumentException if {@code minHealthy} is less than 1
     */
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
     *
     * @param window more than zero
     * @return this builder
     * @throws IllegalArgumentException if {@code window} is zero or negative
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
     *
     * @return this builder
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
     *
     * @param registry makes the breakers with its default configuration; not null
     * @return this builder
     */
    public Builder outlierEjection(CircuitBreakerRegistry registry) {
      this.breakers = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Panic mode: when more than {@code share} of the instances are ejected (default 1.0: all of
     * them), pick among all instances instead of overloading the few left or failing every call.
     *
     * @param share 0 to 1
     * @return this builder
     * @throws IllegalArgumentException if {@code share} is outside 0 to 1
     */
    public Builder panicWhenEjectedAbove(double share) {
      if (!(share >= 0 && share <= 1)) {
        throw new IllegalArgumentException("invalid panic share " + share + ": expected 0 to 1");
      }
      this.panicShare = share;
      return this;
    }

    /**
     * Receives ejections and panic mode changes; replaces the default, which does nothing.
     *
     * @param listener not null
     * @return this builder
     */
    public Builder listener(Listener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * The nanosecond clock for latency and slow start (default {@code System::nanoTime}); pass the
     * client's {@code Scheduler::nanoTime} to run the client and its balancers on one clock.
     *
     * @param ticker monotonic nanoseconds, not null
     * @return this builder
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
     *
     * @param source not null
     * @return this builder
     */
    public Builder random(Supplier<? extends RandomGenerator> source) {
      @SuppressWarnings("unchecked") // a supplier of a subtype supplies RandomGenerators
      Supplier<RandomGenerator> typed = (Supplier<RandomGenerator>) Objects.requireNonNull(source, "source");
      this.random = typed;
      return this;
    }

    /**
     * The balancer. It subscribes to the view now; the subscription holds it weakly, so a balancer
     * that is no longer referenced is collected and unsubscribes on the view's next change.
     *
     * @return a new balancer; the builder can be changed and built again
     */
    public LoadBalancer build() {
      return new DefaultLoadBalancer(this);
    }
  }
}
