package io.discovery.loadbalancer;

import io.discovery.client.NoInstancesException;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;

/**
 * Picks an instance of one service for each outbound call, from the view's current snapshot. Picks
 * take no lock, allocate nothing, never call the registry, and follow the view as it changes.
 *
 * <pre>{@code
 * LoadBalancer payments = LoadBalancer.leastConnection(discovery.service("payments"));
 * try (CallHandle call = payments.begin()) {
 *   send(call.instance());
 * }
 * }</pre>
 */
public interface LoadBalancer {

  /**
   * The instance for the next call.
   *
   * @throws NoInstancesException if the view holds no instance
   */
  ServiceInstance pick();

  /**
   * Picks an instance and counts a call to it as in flight until the handle is closed.
   *
   * @throws NoInstancesException if the view holds no instance
   */
  CallHandle begin();

  /** The view this balancer picks from. */
  ServiceView view();

  /** Each instance in turn; the sequence starts at a random instance. */
  static LoadBalancer roundRobin(ServiceView view) {
    return new RoundRobinLoadBalancer(view);
  }

  /**
   * The instance with the fewest calls in flight (through {@link #begin()}): an exact minimum for up
   * to 8 instances, the better of two random instances for more; ties broken at random.
   */
  static LoadBalancer leastConnection(ServiceView view) {
    return new LeastConnectionLoadBalancer(view);
  }
}
