package io.discovery.loadbalancer;

import io.discovery.client.ServiceInstance;

/** What a {@link LoadBalancer} reports as it happens; every method has an empty default. Keep them short. */
public interface Listener {

  /**
   * An instance's circuit breaker opened: it is skipped until a probe succeeds.
   *
   * @param instance the instance ejected
   */
  default void ejected(ServiceInstance instance) {
  }

  /**
   * An instance's circuit breaker closed again: picks may choose it.
   *
   * @param instance the instance restored
   */
  default void restored(ServiceInstance instance) {
  }

  /**
   * Too many instances of {@code service} are ejected: picks ignore ejection until enough recover.
   *
   * @param service the balancer's service
   * @param ejected how many of its instances are ejected
   * @param total   how many instances it has
   */
  default void panicStarted(String service, int ejected, int total) {
  }

  /**
   * Enough instances of {@code service} recovered: picks skip ejected instances again.
   *
   * @param service the balancer's service
   */
  default void panicEnded(String service) {
  }
}
