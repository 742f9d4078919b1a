package io.discovery.loadbalancer;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Caps retries so that they can never multiply load in an outage: over a sliding window, retries may
 * add at most {@code ratio} of the requests, plus {@code minPerSecond} each second so that a quiet
 * client can still retry. Finagle's budget has the same shape (20%, 10/s, 10 s by default).
 */
public final class RetryBudget {
  private final double ratio;
  private final int minPerSecond;
  private final int seconds;
  private final LongSupplier ticker;
  private final long[] bucketSecond;
  private final long[] requests;
  private final long[] retries;

  RetryBudget(double ratio, int minPerSecond, Duration window, LongSupplier ticker) {
    if (!(ratio >= 0) || minPerSecond < 0 || window.toSeconds() < 1) {
      throw new IllegalArgumentException("invalid retry budget " + ratio + " of requests + " + minPerSecond
          + "/s over " + window + ": expected a ratio >= 0, a minimum >= 0 and a window of at least 1 s");
    }
    this.ratio = ratio;
    this.minPerSecond = minPerSecond;
    this.seconds = (int) window.toSeconds();
    this.ticker = ticker;
    this.bucketSecond = new long[seconds];
    this.requests = new long[seconds];
    this.retries = new long[seconds];
  }

  /** Retries up to {@code ratio} of requests (e.g. 0.2) plus {@code minPerSecond}, over {@code window}. */
  public static RetryBudget of(double ratio, int minPerSecond, Duration window) {
    return new RetryBudget(ratio, minPerSecond, window, System::nanoTime);
  }

  /**
   * {@link #of(double, int, Duration)} on the nanosecond clock {@code ticker}, e.g. the client's
   * {@code Scheduler::nanoTime}, so that one fake clock drives it in tests.
   */
  public static RetryBudget of(double ratio, int minPerSecond, Duration window, LongSupplier ticker) {
    return new RetryBudget(ratio, minPerSecond, window, java.util.Objects.requireNonNull(ticker, "ticker"));
  }

  /** 20% extra requests plus 10 retries a second, over 10 s. */
  public static RetryBudget defaults() {
    return of(0.2, 10, Duration.ofSeconds(10));
  }

  /** No retries at all. */
  public static RetryBudget none() {
    return of(0, 0, Duration.ofSeconds(1));
  }

  /** Counts one request (not a retry). */
  public synchronized void onRequest() {
    requests[bucket()]++;
  }

  /** Takes one retry from the budget; false if it is spent. */
  public synchronized boolean tryRetry() {
    int current = bucket();
    long sumRequests = 0;
    long sumRetries = 0;
    for (int i = 0; i < seconds; i++) {
      sumRequests += requests[i];
      sumRetries += retries[i];
    }
    if (sumRetries >= ratio * sumRequests + (double) minPerSecond * seconds) {
      return false;
    }
    retries[current]++;
    return true;
  }

  /** The bucket of this second, clearing buckets that fell out of the window. */
  private int bucket() {
    long second = Math.floorDiv(ticker.getAsLong(), 1_000_000_000L);
    int i = Math.floorMod(second, seconds);
    if (bucketSecond[i] != second) {
      bucketSecond[i] = second;
      requests[i] = 0;
      retries[i] = 0;
    }
    for (int k = 0; k < seconds; k++) {
      if (second - bucketSecond[k] >= seconds) {
        requests[k] = 0;
        retries[k] = 0;
      }
    }
    return i;
  }
}
