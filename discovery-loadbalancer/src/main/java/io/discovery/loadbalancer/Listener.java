package io.discovery.loadbalancer;

import io.discovery.client.ServiceInstance;

/** What a {@link LoadBalancer} reports as it happens; every method has an empty default. Keep them short. */
public interface Listener {

  /** {@code instance}'s circuit breaker opened: it is skipped until a probe succeeds. */
  default void ejected(ServiceInstance instance) {
  }

  /** {@code instance}'s circuit breaker closed again. */
  default void restored(ServiceInstance instance) {
  }

  /** Too many instances of {@code service} are ejected: picks ignore ejection until enough recover. */
  default void panicStarted(String service, int ejected, int total) {
  }

  /** Enough instances of {@code service} recovered: picks skip ejected instances again. */
  default void panicEnded(String service) {
  }
}
