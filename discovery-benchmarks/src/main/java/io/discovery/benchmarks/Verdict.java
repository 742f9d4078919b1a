package io.discovery.benchmarks;

import java.util.Locale;

/**
 * Whether a measured ratio a / b meets a "no more than {@code target}" goal, judged on the ratio's
 * whole confidence interval: the lowest and highest ratios that the two scores' error bars allow.
 */
record Verdict(double ratio, double low, double high, double target) {

  /** Scores {@code a} and {@code b} with their confidence half-widths. */
  static Verdict of(double a, double errorA, double b, double errorB, double target) {
    double low = Math.max(0, a - errorA) / (b + errorB);
    double high = b - errorB <= 0 ? Double.POSITIVE_INFINITY : (a + errorA) / (b - errorB);
    return new Verdict(a / b, low, high, target);
  }

  /** "met" when even the highest ratio is within the target, "missed" when even the lowest is above it, else "inconclusive". */
  String word() {
    if (high <= target) {
      return "met";
    }
    if (low > target) {
      return "missed";
    }
    return "inconclusive";
  }

  String interval() {
    return String.format(Locale.ROOT, "%.2fx to %s", low, Double.isInfinite(high) ? "unbounded" : String.format(Locale.ROOT, "%.2fx", high));
  }

  /** "N x (L to H x)" for how many times faster {@code fast} is than {@code slow}. */
  static String speedup(Report.Cell slow, Report.Cell fast) {
    Verdict v = of(slow.nanos(), slow.error(), fast.nanos(), fast.error(), 1);
    return String.format(Locale.ROOT, "%.1fx (99.9%% interval %s)", v.ratio(), v.interval());
  }
}
