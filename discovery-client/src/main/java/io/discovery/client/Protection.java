package io.discovery.client;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The protect threshold: an answer that would remove two or more instances at once and leave fewer
 * than {@code share} of the list a view holds is not believed at once (a wiped and restarted
 * registry answers "none" before its instances register again). The view holds its list, stale, for
 * at most {@code hold}. Instances that leave one per answer, as explicit deregistrations do, are
 * always let go at once. A share of 0 turns protection off.
 */
record Protection(double share, Duration hold) {

  static final Protection OFF = new Protection(0, Duration.ZERO);

  Protection {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("invalid protect threshold " + share + ": expected 0 (off) to 1");
    }
    if (hold.isNegative()) {
      throw new IllegalArgumentException("invalid protect hold " + hold + ": expected zero or more");
    }
  }

  /** Whether {@code next} should not replace {@code current} yet. */
  boolean holds(List<ServiceInstance> current, List<ServiceInstance> next) {
    if (share == 0 || current.size() < 2 || next.size() >= share * current.size()) {
      return false;
    }
    Set<String> kept = new HashSet<>();
    next.forEach(i -> kept.add(identity(i)));
    int removed = 0;
    for (ServiceInstance i : current) {
      if (!kept.contains(identity(i))) {
        removed++;
      }
    }
    return removed >= 2;
  }

  private static String identity(ServiceInstance i) {
    return i.id() + "@" + i.hostPort();
  }
}
