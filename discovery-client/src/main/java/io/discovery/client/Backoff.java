package io.discovery.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with equal jitter: attempt n waits between half and all of
 * {@code min(max, initial * 2^n)}, so that many clients retrying together spread out.
 */
record Backoff(Duration initial, Duration max) {

  Backoff {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("invalid backoff " + initial + ".." + max
          + ": expected 0 < initial <= max");
    }
  }

  /** The delay before retry number {@code attempt} (0 for the first retry). */
  Duration delay(int attempt) {
    return delay(attempt, ThreadLocalRandom.current());
  }

  /** {@link #delay(int)} with the jitter drawn from {@code random}. */
  Duration delay(int attempt, RandomGenerator random) {
    long cap = max.toNanos();
    long base = initial.toNanos();
    long exp = attempt >= 62 || base > (cap >> Math.min(attempt, 62)) ? cap : Math.min(cap, base << attempt);
    long half = exp / 2;
    return Duration.ofNanos(half + random.nextLong(half + 1));
  }
}
