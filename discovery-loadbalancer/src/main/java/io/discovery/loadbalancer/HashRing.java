package io.discovery.loadbalancer;

import io.discovery.client.ServiceInstance;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * A consistent-hash ring over one set of candidates. Each point is one sorted {@code long}: the
 * point's hash in the high bits and its owner's index in the low {@value #OWNER_BITS}, so building
 * sorts one primitive array and a lookup is one binary search.
 */
final class HashRing implements Chooser {
  /** The most points a ring holds: building and sorting them stays under a few milliseconds. */
  static final int MAX_POINTS = 32_768;
  private static final int OWNER_BITS = 20;
  private static final long OWNER_MASK = (1L << OWNER_BITS) - 1;

  private final long[] points;
  private final int size;
  private final Supplier<RandomGenerator> random;

  private HashRing(long[] points, int size, Supplier<RandomGenerator> random) {
    this.random = random;
    this.points = points;
    this.size = size;
  }

  /**
   * A ring with {@code virtualNodes} x weight points per candidate, scaled down in proportion (at
   * least one each) when that would exceed {@link #MAX_POINTS}. A candidate's points hash its id, or
   * its id and address when another candidate has the same id, so a key follows an instance that
   * moves and instances that share an id stay apart.
   */
  static HashRing of(Candidates c, int virtualNodes, Supplier<RandomGenerator> random) {
    int n = c.size();
    if (n > OWNER_MASK) {
      throw new IllegalArgumentException("too many instances for a hash ring: " + n + ", at most " + OWNER_MASK);
    }
    long wanted = 0;
    for (ServiceInstance instance : c.instances) {
      wanted += (long) virtualNodes * instance.weight();
    }
    double scale = wanted > MAX_POINTS ? (double) MAX_POINTS / wanted : 1;
    int[] perInstance = new int[n];
    int total = 0;
    for (int i = 0; i < n; i++) {
      perInstance[i] = (int) Math.max(1, (long) (virtualNodes * (double) c.instances[i].weight() * scale));
      total += perInstance[i];
    }
    Map<String, Integer> idCounts = new HashMap<>();
    for (ServiceInstance instance : c.instances) {
      idCounts.merge(instance.id(), 1, Integer::sum);
    }
    long[] points = new long[total];
    int k = 0;
    for (int i = 0; i < n; i++) {
      ServiceInstance instance = c.instances[i];
      String identity = idCounts.get(instance.id()) > 1 ? instance.id() + "@" + instance.hostPort() : instance.id();
      long base = Hashing.hash(identity);
      for (int v = 0; v < perInstance[i]; v++) {
        points[k++] = (Hashing.mix(base + v * 0x9E3779B97F4A7C15L) & ~OWNER_MASK) | i;
      }
    }
    Arrays.sort(points);
    return new HashRing(points, n, random);
  }

  /** How many points the ring holds. */
  int points() {
    return points.length;
  }

  @Override
  public int choose(long key, int attempt, long nowNanos) {
    if (key == 0) {
      return random.get().nextInt(size);
    }
    int pos = lowerBound(key & ~OWNER_MASK);
    int owner = owner(pos);
    if (attempt == 0) {
      return owner;
    }
    // A later attempt walks on clockwise to the attempt-th owner not met before (a retry's fresh instance).
    int[] met = new int[Math.min(attempt, size - 1) + 1];
    met[0] = owner;
    int count = 1;
    for (int step = 0; count < met.length && step < points.length; step++) {
      pos = pos + 1 == points.length ? 0 : pos + 1;
      if (!contains(met, count, owner(pos))) {
        met[count++] = owner(pos);
      }
    }
    return met[count - 1];
  }

  private static boolean contains(int[] values, int count, int value) {
    for (int i = 0; i < count; i++) {
      if (values[i] == value) {
        return true;
      }
    }
    return false;
  }

  private int owner(int pos) {
    return (int) (points[pos] & OWNER_MASK);
  }

  /** The first point at or after {@code target}, wrapping to 0 past the end. */
  private int lowerBound(long target) {
    int lo = 0;
    int hi = points.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (points[mid] < target) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == points.length ? 0 : lo;
  }
}
