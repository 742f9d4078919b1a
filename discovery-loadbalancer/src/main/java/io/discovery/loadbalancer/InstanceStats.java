package io.discovery.loadbalancer;

import io.discovery.client.ServiceInstance;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * What a balancer knows about one instance, kept by instance id across snapshots: calls in flight,
 * a peak-sensitive latency estimate (EWMA), when it was first seen, and its circuit breaker.
 */
final class InstanceStats extends InFlightTail {
  /** Cost of an instance with calls in flight but no latency sample yet: high, so it is avoided until it answers. */
  private static final double PENALTY = Long.MAX_VALUE >> 16;

  final ServiceInstance instance;
  final long firstSeenNanos;
  final CircuitBreaker breaker;
  /** Written under this; read without a lock (a torn pair only skews one cost a little). */
  private volatile double ewmaNanos;
  private volatile long stampNanos;
  /** Whether the breaker is not closed; guarded by this. */
  private boolean ejected;
  /** Set when the instance left the view; guarded by this. */
  private boolean retired;

  InstanceStats(ServiceInstance instance, long firstSeenNanos, CircuitBreaker breaker) {
    this.instance = instance;
    this.firstSeenNanos = firstSeenNanos;
    this.breaker = breaker;
  }

  /** Records one latency sample, peak-sensitive: a slower sample replaces the estimate at once. */
  synchronized void observe(long rttNanos, long nowNanos, double tauNanos) {
    double w = decay(Math.max(0, nowNanos - stampNanos) / tauNanos);
    double previous = ewmaNanos;
    ewmaNanos = rttNanos > previous ? rttNanos : previous * w + rttNanos * (1 - w);
    stampNanos = nowNanos;
  }

  /**
   * Records a failed call: at least {@code penalty} times the current (decayed) estimate, so that an
   * instance that fails fast is never mistaken for a fast one, and repeated failures push it away quickly.
   */
  synchronized void observeFailure(long rttNanos, long nowNanos, double tauNanos, double penalty) {
    double decayed = ewmaNanos * decay(Math.max(0, nowNanos - stampNanos) / tauNanos);
    ewmaNanos = Math.max(rttNanos, penalty * decayed);
    stampNanos = nowNanos;
  }

  /**
   * Peak-EWMA cost: the latency estimate, decayed toward zero by the time since the last sample
   * (an idle instance is tried again), times calls in flight plus one.
   */
  double cost(long nowNanos, double tauNanos) {
    double estimate = ewmaNanos;
    long stamp = stampNanos;
    double decayed = estimate * decay(Math.max(0, nowNanos - stamp) / tauNanos);
    int pending = inFlight();
    if (decayed == 0 && pending > 0) {
      return PENALTY + pending;
    }
    return decayed * (pending + 1);
  }

  /** e^-x; a picked instance was usually sampled a moment ago, so small x takes a series instead of exp. */
  private static double decay(double x) {
    return x < 1e-3 ? 1 - x + x * x / 2 : Math.exp(-x);
  }

  /** Sets the ejected flag; returns +1, -1 or 0 for the change, ignoring a retired instance. */
  synchronized int setEjected(boolean now) {
    if (retired || ejected == now) {
      return 0;
    }
    ejected = now;
    return now ? 1 : -1;
  }

  /** The instance left the view: returns -1 if it was counted as ejected. */
  synchronized int retire() {
    retired = true;
    return ejected ? -1 : 0;
  }
}
