package io.discovery.loadbalancer;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.ServiceView;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * How an HTTP integration ({@link DiscoveryInterceptor}, {@link DiscoveryHttpClient}) routes requests
 * to service names: which hosts are services, how their balancers are made, which statuses count as
 * failures, and how retries on another instance are bounded.
 *
 * @param <B> the builder type, returned by each setter
 */
public abstract class RoutingOptions<B extends RoutingOptions<B>> {
  final DiscoveryClient discovery;
  Duration resolveTimeout = Duration.ofSeconds(5);
  Function<ServiceView, LoadBalancer> balancerFactory =
      view -> LoadBalancer.builder(view).policy(Policy.leastConnection()).outlierEjection().build();
  Predicate<String> routes = host -> host.indexOf('.') < 0 && host.indexOf(':') < 0 && !host.equals("localhost");
  IntPredicate failure = code -> code >= 500;
  RetryBudget budget = RetryBudget.defaults();
  int maxAttempts = 3;

  RoutingOptions(DiscoveryClient discovery) {
    this.discovery = Objects.requireNonNull(discovery, "discovery");
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /**
   * How long the first request to a service waits for the registry to answer about it (default
   * 5 s); {@code Duration.ZERO} fails such a request at once while the view loads. The client
   * skips the wait altogether once it knows the registry is unreachable.
   *
   * @param timeout zero or more
   * @return this builder
   */
  public B resolveTimeout(Duration timeout) {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("invalid resolve timeout " + timeout + ": expected zero or more");
    }
    this.resolveTimeout = timeout;
    return self();
  }

  /**
   * How to make the balancer of a service (default: least-connection with outlier ejection).
   *
   * @param factory called once per service with its view
   * @return this builder
   */
  public B balancer(Function<ServiceView, LoadBalancer> factory) {
    this.balancerFactory = Objects.requireNonNull(factory, "factory");
    return self();
  }

  /**
   * Which hosts are service names (default: names without a dot, except localhost); requests to
   * other hosts pass through untouched.
   *
   * @param routes true for a host that names a service
   * @return this builder
   */
  public B routeHosts(Predicate<String> routes) {
    this.routes = Objects.requireNonNull(routes, "routes");
    return self();
  }

  /**
   * Which statuses count as the instance failing (default: 5xx).
   *
   * @param failure true for a status that counts against the instance
   * @return this builder
   */
  public B failureStatuses(IntPredicate failure) {
    this.failure = Objects.requireNonNull(failure, "failure");
    return self();
  }

  /**
   * The budget retries draw from (default: {@link RetryBudget#defaults()}).
   *
   * @param budget shared by every request this integration sends
   * @return this builder
   */
  public B retryBudget(RetryBudget budget) {
    this.budget = Objects.requireNonNull(budget, "budget");
    return self();
  }

  /**
   * Attempts per request, the first included (default 3).
   *
   * @param attempts 1 or more; 1 never retries
   * @return this builder
   */
  public B maxAttempts(int attempts) {
    if (attempts < 1) {
      throw new IllegalArgumentException("invalid attempt count " + attempts + ": expected 1 or more");
    }
    this.maxAttempts = attempts;
    return self();
  }
}
