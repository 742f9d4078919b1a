package io.discovery.loadbalancer;

import io.discovery.client.ServiceInstance;
import java.io.IOException;

/** Calls through a balancer with scripted outcomes. */
final class Calls {
  private Calls() {
  }

  /**
   * Calls until {@code target} has failed {@code failures} times or stopped being picked (its breaker
   * may open sooner, counting its earlier successes), succeeding on every other instance; returns
   * the failures recorded.
   */
  static int failOn(LoadBalancer lb, ServiceInstance target, int failures) {
    int failed = 0;
    for (int i = 0; i < 10_000 && failed < failures; i++) {
      try (CallHandle call = lb.begin()) {
        if (call.instance().equals(target)) {
          call.failed(new IOException("connection refused"));
          failed++;
        } else {
          call.succeeded();
        }
      }
    }
    return failed;
  }

  /** How many of {@code picks} plain picks went to each host. */
  static java.util.Map<String, Integer> countByHost(LoadBalancer lb, int picks) {
    java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
    for (int i = 0; i < picks; i++) {
      counts.merge(lb.pick().host(), 1, Integer::sum);
    }
    return counts;
  }
}
