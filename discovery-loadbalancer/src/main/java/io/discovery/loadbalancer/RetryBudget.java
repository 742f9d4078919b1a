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
  private long taken;

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

  /**
   * Retries up to {@code ratio} of requests (e.g. 0.2) plus {@code minPerSecond}, over {@code window},
   * on {@link System#nanoTime()}.
   *
   * @param ratio        retries allowed per request counted, 0 or more
   * @param minPerSecond retries allowed each second whatever the requests, 0 or more
   * @param window       the sliding window, whole seconds, at least 1 s
   * @return a new, unspent budget
   * @throws IllegalArgumentException if a value is out of range
   */
  public static RetryBudget of(double ratio, int minPerSecond, Duration window) {
    return new RetryBudget(ratio, minPerSecond, window, System::nanoTime);
  }

  /**
   * {@link #of(double, int, Duration)} on the nanosecond clock {@code ticker}, e.g. the client's
   * {@code Scheduler::nanoTime}, so that one fake clock drives it in tests.
   *
   * @param ratio        retries allowed per request counted, 0 or more
   * @param minPerSecond retries allowed each second whatever the requests, 0 or more
   * @param window       the sliding window, whole seconds, at least 1 s
   * @param ticker       monotonic nanoseconds, not null
   * @return a new, unspent budget
   * @throws IllegalArgumentException if a value is out of range
   */
  public static RetryBudget of(double ratio, int minPerSecond, Duration window, LongSupplier ticker) {
    return new RetryBudget(ratio, minPerSecond, window, java.util.Objects.requireNonNull(ticker, "ticker"));
  }

  /**
   * 20% extra requests plus 10 retries a second, over 10 s.
   *
   * @return a new budget, shared with nothing else
   */
  public static RetryBudget defaults() {
    return of(0.2, 10, Duration.ofSeconds(10));
  }

  /**
   * No retries at all.
   *
   * @return a budget whose {@link #tryRetry()} always returns false
   */
  public static RetryBudget none() {
    return of(0, 0, Duration.ofSeconds(1));
  }

  /** Counts one request (not a retry). */
  public synchronized void onRequest() {
    requests[bucket()]++;
  }

  /**
   * Takes one retry from the budget.
   *
   * @return true if the caller may retry; false if the budget is spent, and then nothing is taken
   */
  public synchronized boolean tryRetry() {
    int current = bucket();
    if (sum(retries) >= allowance()) {
      return false;
    }
    retries[current]++;
    taken++;
    return true;
  }

  /**
   * Retries this budget granted since it was made, for metrics.
   *
   * @return how many times {@link #tryRetry()} returned true
   */
  public synchronized long retriesTaken() {
    return taken;
  }

  /**
   * The share of the window's budget that retries took, for metrics: at 1, {@link #tryRetry()}
   * refuses. A budget that allows nothing ({@link #none()}) reads 1.
   *
   * @return 0 to 1
   */
  public synchronized double spent() {
    bucket();
    double allowance = allowance();
    return allowance <= 0 ? 1 : Math.min(1, sum(retries) / allowance);
  }

  /** How many retries the window allows; caller holds this, after {@link #bucket()}. */
  private double allowance() {
    return ratio * sum(requests) + (double) minPerSecond * seconds;
  }

  private static long sum(long[] counts) {
    long sum = 0;
    for (long count : counts) {
      sum += count;
    }
    return sum;
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
