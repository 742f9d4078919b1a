package io.discovery.loadbalancer;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.random.RandomGenerator;

/**
 * A random source whose bounded draws the test scripts, in order; draws past the script fail the
 * test, so a path that draws more (or less) than it should is seen.
 */
final class ScriptedRandom implements RandomGenerator {
  private final Deque<Number> draws = new ArrayDeque<>();

  /** Queues the next draws: Integers for {@code nextInt(bound)}/{@code nextLong(bound)}, Doubles for {@code nextDouble()}. */
  ScriptedRandom then(Number... next) {
    for (Number n : next) {
      draws.add(n);
    }
    return this;
  }

  /** How many scripted draws are left. */
  int left() {
    return draws.size();
  }

  @Override
  public int nextInt(int bound) {
    int v = next(Integer.class).intValue();
    if (v < 0 || v >= bound) {
      throw new AssertionError("scripted draw " + v + " is outside [0, " + bound + ")");
    }
    return v;
  }

  @Override
  public long nextLong(long bound) {
    long v = next(Integer.class).longValue();
    if (v < 0 || v >= bound) {
      throw new AssertionError("scripted draw " + v + " is outside [0, " + bound + ")");
    }
    return v;
  }

  @Override
  public double nextDouble() {
    return next(Double.class).doubleValue();
  }

  @Override
  public int nextInt() {
    return next(Integer.class).intValue();
  }

  @Override
  public long nextLong() {
    return next(Integer.class).longValue();
  }

  private Number next(Class<? extends Number> type) {
    Number n = draws.poll();
    if (n == null) {
      throw new AssertionError("an unscripted " + type.getSimpleName() + " draw");
    }
    if (!type.isInstance(n)) {
      throw new AssertionError("drew a " + type.getSimpleName() + " where the script has " + n);
    }
    return n;
  }
}
