package io.discovery.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.time.Duration;

/** Waiting for the collector, for tests that check that meters hold what they read weakly. */
final class Gauges {
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private Gauges() {
  }

  /** Asks for collections until {@code ref} is cleared; fails after 10 s. */
  static void awaitCollected(WeakReference<?> ref) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (ref.get() != null) {
      assertThat(System.nanoTime() - deadline).as("collected within %s", DEADLINE).isNegative();
      System.gc();
    }
  }
}
