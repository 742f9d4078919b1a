package io.discovery.loadbalancer;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * How a {@link LoadBalancer} chooses among the instances it may use. Each policy turns a snapshot
 * into an immutable chooser that takes no lock and allocates nothing.
 */
public abstract class Policy {
  private final String name;

  /** Package-private: the policies are the factory methods below. */
  Policy(String name) {
    this.name = name;
  }

  /** State shared by all choosers of one balancer (e.g. a round-robin position), or null. */
  Object newState(Supplier<RandomGenerator> random) {
    return null;
  }

  /** A chooser over {@code candidates}; every random draw it makes comes from {@code random}. */
  abstract Chooser chooser(Candidates candidates, Object state, Supplier<RandomGenerator> random);

  @Override
  public String toString() {
    return name;
  }

  /**
   * The policy called {@code name} with its defaults, for configuration files: round-robin,
   * weighted-round-robin, random, weighted-random, least-connection, peak-ewma, consistent-hash.
   *
   * @param name one of those names, exactly (lower case)
   * @return the policy
   * @throws IllegalArgumentException naming the unknown name and the known ones
   */
  public static Policy named(String name) {
    return switch (String.valueOf(name)) {
      case "round-robin" -> roundRobin();
      case "weighted-round-robin" -> weightedRoundRobin();
      case "random" -> random();
      case "weighted-random" -> weightedRandom();
      case "least-connection" -> leastConnection();
      case "peak-ewma" -> peakEwma();
      case "consistent-hash" -> consistentHash();
      default -> throw new IllegalArgumentException("unknown policy '" + name + "': expected round-robin, weighted-round-robin,"
          + " random, weighted-random, least-connection, peak-ewma or consistent-hash");
    };
  }

  /**
   * Each instance in turn, from a random start; the position survives snapshot changes.
   *
   * @return the policy; each balancer keeps its own position
   */
  public static Policy roundRobin() {
    return new Policy("round-robin") {
      @Override
      Object newState(Supplier<RandomGenerator> random) {
        return new StripedSequence(random.get());
      }

      @Override
      Chooser chooser(Candidates c, Object state, Supplier<RandomGenerator> random) {
        StripedSequence sequence = (StripedSequence) state;
        int n = c.size();
        return (key, attempt, now) -> sequence.next(n);
      }
    };
  }

  /**
   * Smooth weighted round-robin (nginx's): each instance gets its weight's share, interleaved so
   * the heaviest never gets a burst. The order is computed once per snapshot: weights divided by
   * their gcd, then scaled down (each instance keeps at least one turn) when the cycle would be
   * longer than 65,536 picks or cost more than {@value #MAX_SMOOTH_STEPS} steps to compute, so a
   * snapshot of 1,000 instances builds in about a millisecond. Shares are exact while the cycle can
   * hold the weights (up to about 100 instances of any weights); beyond, they are rounded, each
   * instance keeping at least one turn, and near 1,000 instances every weight counts alike: use
   * {@link #weightedRandom()} for many instances of very different weights.
   *
   * @return the policy; each balancer keeps its own position
   */
  public static Policy weightedRoundRobin() {
    return new Policy("weighted-round-robin") {
      @Override
      Object newState(Supplier<RandomGenerator> random) {
        return new StripedSequence(random.get());
      }

      @Override
      Chooser chooser(Candidates c, Object state, Supplier<RandomGenerator> random) {
        StripedSequence sequence = (StripedSequence) state;
        int[] order = smoothOrder(weights(c));
        return (key, attempt, now) -> order[sequence.next(order.length)];
      }
    };
  }

  /**
   * Uniformly at random, weights ignored.
   *
   * @return the policy
   */
  public static Policy random() {
    return new Policy("random") {
      @Override
      Chooser chooser(Candidates c, Object state, Supplier<RandomGenerator> random) {
        int n = c.size();
        return (key, attempt, now) -> random.get().nextInt(n);
      }
    };
  }

  /**
   * At random, in proportion to the instances' weights.
   *
   * @return the policy
   */
  public static Policy weightedRandom() {
    return new Policy("weighted-random") {
      @Override
      Chooser chooser(Candidates c, Object state, Supplier<RandomGenerator> random) {
        int[] weights = weights(c);
        long[] prefix = new long[weights.length];
        long total = 0;
        for (int i = 0; i < weights.length; i++) {
          total += weights[i];
          prefix[i] = total;
        }
        long sum = total;
        return (key, attempt, now) -> {
          long r = random.get().nextLong(sum);
          int i = Arrays.binarySearch(prefix, r + 1);
          return i >= 0 ? i : -i - 1;
        };
      }
    };
  }

  /**
   * Fewest calls in flight: an exact minimum over up to 8 instances (from a random start, so ties
   * spread), the better of two distinct random instances over more.
   *
   * @return the policy, {@code leastConnection(}{@value #DEFAULT_EXACT_UP_TO}{@code )}
   */
  public static Policy leastConnection() {
    return leastConnection(DEFAULT_EXACT_UP_TO);
  }

  /** Up to how many instances {@link #leastConnection()} scans them all. */
  public static final int DEFAULT_EXACT_UP_TO = 8;

  /**
   * Fewest calls in flight: an exact minimum over up to {@code exactUpTo} instances (a scan from a
   * random start, so ties spread; it costs a read per instance), the better of two distinct random
   * instances over more (two reads, whatever the count; nearly as good in practice, and it does
   * not send every new call to the same idle instance).
   *
   * @param exactUpTo the largest instance count scanned whole, 1 or more
   * @return the policy
   * @throws IllegalArgumentException if {@code exactUpTo} is less than 1
   */
  public static Policy leastConnection(int exactUpTo) {
    if (exactUpTo < 1) {
      throw new IllegalArgumentException("invalid exact scan limit " + exactUpTo + ": expected 1 or more");
    }
    String name = exactUpTo == DEFAULT_EXACT_UP_TO ? "least-connection" : "least-connection(exact up to " + exactUpTo + ")";
    return new Policy(name) {
      @Override
      Chooser chooser(Candidates c, Object state, Supplier<RandomGenerator> random) {
        InstanceStats[] stats = c.stats;
        int n = stats.length;
        if (n == 1) {
          return (key, attempt, now) -> 0;
        }
        if (n <= exactUpTo) {
          return (key, attempt, now) -> attempt > 0 ? random.get().nextInt(n) : exactMinimum(stats, random.get());
        }
        return (key, attempt, now) -> {
          RandomGenerator r = random.get();
          int a = r.nextInt(n);
          int b = other(r, n, a);
          return stats[b].inFlight() < stats[a].inFlight() ? b : a;
        };
      }
    };
  }

  /** A random index in {@code [0, n)} other than {@code a}: the second of two distinct choices. */
  private static int other(RandomGenerator random, int n, int a) {
    int b = random.nextInt(n - 1);
    return b >= a ? b + 1 : b;
  }

  private static int exactMinimum(InstanceStats[] stats, RandomGenerator random) {
    int n = stats.length;
    int start = random.nextInt(n);
    int best = start;
    int bestCount = stats[start].inFlight();
    for (int k = 1; k < n && bestCount > 0; k++) {
      int i = start + k < n ? start + k : start + k - n;
      int count = stats[i].inFlight();
      if (count < bestCount) {
        best = i;
        bestCount = count;
      }
    }
    return best;
  }

  /** The default failure penalty of peak-EWMA: a failed call counts as at least twice the estimate. */
  public static final double DEFAULT_FAILURE_PENALTY = 2.0;

  /**
   * Peak-EWMA with the default decay window of 10 s; see {@link #peakEwma(Duration, double)}.
   *
   * @return the policy
   */
  public static Policy peakEwma() {
    return peakEwma(Duration.ofSeconds(10));
  }

  /**
   * Peak-EWMA with a failure penalty of {@value #DEFAULT_FAILURE_PENALTY}; see
   * {@link #peakEwma(Duration, double)}.
   *
   * @param decay the decay window, more than zero
   * @return the policy
   * @throws IllegalArgumentException if {@code decay} is zero or negative
   */
  public static Policy peakEwma(Duration decay) {
    return peakEwma(decay, DEFAULT_FAILURE_PENALTY);
  }

  /**
   * The better of two random instances by cost = latency estimate x (calls in flight + 1), as in
   * Finagle and Linkerd. The estimate jumps up to a slower sample at once and falls back as an
   * exponentially weighted average; with no samples it decays toward zero over {@code decay}, so an
   * instance that was slow gets tried again. A failed call counts as at least twice the current
   * estimate, so an instance that fails fast is not mistaken for a fast one.
   *
   * @param decay the decay window, more than zero: about how long an estimate takes to fade
   *     without new samples
   * @param failurePenalty how many times its current estimate a failed call counts as, at least
   *     (1 to 100; 1 times a failure like a success); {@code discovery-benchmarks/results/RESULTS.md}
   *     shows what other values do
   * @return the policy
   * @throws IllegalArgumentException if {@code decay} is not positive or {@code failurePenalty} is
   *     outside 1 to 100
   */
  public static Policy peakEwma(Duration decay, double failurePenalty) {
    if (decay.isZero() || decay.isNegative()) {
      throw new IllegalArgumentException("invalid peak-EWMA decay " + decay + ": expected more than zero");
    }
    if (!(failurePenalty >= 1 && failurePenalty <= 100)) {
      throw new IllegalArgumentException("invalid peak-EWMA failure penalty " + failurePenalty + ": expected 1 to 100");
    }
    double tau = decay.toNanos();
    String name = failurePenalty == DEFAULT_FAILURE_PENALTY ? "peak-ewma(" + decay + ")"
        : "peak-ewma(" + decay + ", failure x" + failurePenalty + ")";
    return new Policy(name) {
      @Override
      Chooser chooser(Candidates c, Object state, Supplier<RandomGenerator> random) {
        InstanceStats[] stats = c.stats;
        int n = stats.length;
        if (n == 1) {
          return (key, attempt, now) -> 0;
        }
        return (key, attempt, now) -> {
          RandomGenerator r = random.get();
          int a = r.nextInt(n);
          int b = other(r, n, a);
          return stats[b].cost(now, tau) < stats[a].cost(now, tau) ? b : a;
        };
      }

      @Override
      double decayNanos() {
        return tau;
      }

      @Override
      double failurePenalty() {
        return failurePenalty;
      }

      @Override
      boolean usesLatency() {
        return true;
      }
    };
  }

  /**
   * Consistent hashing for sticky keys ({@code pick(key)}): a ring with {@code virtualNodes} points
   * per instance times its weight (at most 32,768 points in all, scaled down in proportion beyond),
   * so adding or removing one of N instances moves about 1/N of the keys. Without a key it picks at
   * random.
   *
   * @param virtualNodes points on the ring per unit of weight, 1 to 1000
   * @return the policy
   * @throws IllegalArgumentException if {@code virtualNodes} is outside 1 to 1000
   */
  public static Policy consistentHash(int virtualNodes) {
    if (virtualNodes < 1 || virtualNodes > 1000) {
      throw new IllegalArgumentException("invalid virtual node count " + virtualNodes + ": expected 1 to 1000");
    }
    return new Policy("consistent-hash(" + virtualNodes + ")") {
      @Override
      Chooser chooser(Candidates c, Object state, Supplier<RandomGenerator> random) {
        return HashRing.of(c, virtualNodes, random);
      }
    };
  }

  /**
   * Consistent hashing with 160 virtual nodes per instance; see {@link #consistentHash(int)}.
   *
   * @return the policy
   */
  public static Policy consistentHash() {
    return consistentHash(160);
  }

  /** Whether the policy reads latency estimates, so calls must be timed. */
  boolean usesLatency() {
    return false;
  }

  /** How many times the estimate a failed call counts as, at least. */
  double failurePenalty() {
    return DEFAULT_FAILURE_PENALTY;
  }

  /** The latency decay window for stats updates, in nanoseconds (peak-EWMA's, else 10 s). */
  double decayNanos() {
    return Duration.ofSeconds(10).toNanos();
  }

  private static int[] weights(Candidates c) {
    int[] weights = new int[c.size()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = Math.max(1, c.instances[i].weight());
    }
    return weights;
  }

  /** The most steps (cycle length x instances) one smooth weighted round-robin build may take. */
  static final long MAX_SMOOTH_STEPS = 1L << 20;

  /** nginx's smooth weighted round-robin, run for one whole cycle. */
  static int[] smoothOrder(int[] weights) {
    int n = weights.length;
    if (n == 0) {
      return new int[0];
    }
    int gcd = weights[0];
    for (int w : weights) {
      gcd = gcd(gcd, w);
    }
    long total = 0;
    int[] w = new int[n];
    for (int i = 0; i < n; i++) {
      w[i] = weights[i] / gcd;
      total += w[i];
    }
    int maxCycle = (int) Math.max(n, Math.min(65_536, MAX_SMOOTH_STEPS / n));
    if (total > maxCycle) {
      long scaled = 0;
      for (int i = 0; i < n; i++) {
        w[i] = (int) Math.max(1, w[i] * (long) (maxCycle - n) / total);
        scaled += w[i];
      }
      total = scaled;
    }
    int[] order = new int[(int) total];
    long[] current = new long[n];
    for (int k = 0; k < order.length; k++) {
      int best = 0;
      for (int i = 0; i < n; i++) {
        current[i] += w[i];
        if (current[i] > current[best]) {
          best = i;
        }
      }
      current[best] -= total;
      order[k] = best;
    }
    return order;
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
