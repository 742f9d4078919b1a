package io.discovery.loadbalancer;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.NoInstancesException;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import io.discovery.client.Snapshot;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * What every HTTP integration does the same way: a balancer per service name, a call to an instance
 * other than the one that just failed, and the rule for when a request may go to another instance.
 */
final class ServiceRouter {
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE");

  /** A response whose status counts as a failure of the instance. */
  static final class FailureStatus extends IOException {
    private static final long serialVersionUID = 1L;

    FailureStatus(int code, ServiceInstance instance) {
      super("HTTP " + code + " from " + instance.hostPort());
    }
  }

  private final DiscoveryClient discovery;
  private final Duration resolveTimeout;
  private final Function<ServiceView, LoadBalancer> balancerFactory;
  private final Predicate<String> routes;
  private final IntPredicate failure;
  private final RetryBudget budget;
  private final int maxAttempts;
  private final String optionsName;
  private final Map<String, LoadBalancer> balancers = new ConcurrentHashMap<>();

  ServiceRouter(RoutingOptions<?> o) {
    this.discovery = o.discovery;
    this.resolveTimeout = o.resolveTimeout;
    this.balancerFactory = o.balancerFactory;
    this.routes = o.routes;
    this.failure = o.failure;
    this.budget = o.budget;
    this.maxAttempts = o.maxAttempts;
    Class<?> builder = o.getClass();
    this.optionsName = builder.getEnclosingClass() == null ? builder.getSimpleName()
        : builder.getEnclosingClass().getSimpleName() + "." + builder.getSimpleName();
  }

  /** Whether {@code host} names a service (else the request passes through). */
  boolean routes(String host) {
    return host != null && routes.test(host);
  }

  /** The balancer of {@code service}; created on first use, waiting up to the resolve timeout. */
  LoadBalancer balancer(String service) {
    return balancers.computeIfAbsent(service, s -> balancerFactory.apply(discovery.lookup(s, resolveTimeout)));
  }

  /** {@link #balancer}, with a host that cannot be a service name refused as an unknown host. */
  LoadBalancer resolve(String host) throws UnknownHostException {
    try {
      return balancer(host);
    } catch (IllegalArgumentException notAServiceName) {
      throw new UnknownHostException("'" + host + "' cannot be a service: " + notAServiceName.getMessage());
    }
  }

  /** The services this router holds balancers for. */
  Set<String> services() {
    return Set.copyOf(balancers.keySet());
  }

  /** Counts a request toward the retry budget. */
  void onRequest() {
    budget.onRequest();
  }

  boolean isFailure(int status) {
    return failure.test(status);
  }

  static boolean idempotent(String method) {
    return IDEMPOTENT.contains(method);
  }

  /** Whether {@code e} means the request never reached a server, so even a POST may go elsewhere. */
  static boolean nothingSent(IOException e) {
    return e instanceof ConnectException || e instanceof NoRouteToHostException;
  }

  /** Whether attempt number {@code attempt}, which may be retried, is retried: attempts and budget left. */
  boolean retry(int attempt, boolean retryable) {
    return attempt < maxAttempts && retryable && budget.tryRetry();
  }

  /**
   * A call to an instance other than {@code avoid} when one can be had in a few picks.
   *
   * @throws UnknownHostException when the registry answered that {@code service} has no instances
   *     (its balancer and view are dropped: it may not be a service at all)
   * @throws IOException when there is no instance to call for now (ejected, or the registry not answered)
   */
  CallHandle begin(LoadBalancer lb, ServiceInstance avoid, String service) throws IOException {
    try {
      CallHandle call = lb.begin();
      for (int i = 0; i < 3 && avoid != null && call.instance().equals(avoid); i++) {
        call.close();
        call = lb.begin();
      }
      return call;
    } catch (NoInstancesException e) {
      Snapshot snapshot = lb.view().snapshot();
      if (snapshot.loaded() && !snapshot.stale()) {
        forget(service, lb);
        throw new UnknownHostException("'" + service + "' is not a service with instances in the registry: " + e.getMessage());
      }
      throw new IOException(e.getMessage() + (snapshot.loaded() ? "" : " (the first request to a service waits up to "
          + resolveTimeout + " for the registry; see " + optionsName + ".resolveTimeout)"), e);
    }
  }

  /**
   * Drops the balancer of {@code service} and, when nothing else uses it, its view: the registry
   * answered it has no instances, so it may not be a service at all.
   */
  private void forget(String service, LoadBalancer lb) {
    if (balancers.remove(service, lb) && lb instanceof DefaultLoadBalancer d) {
      d.close();
    }
    discovery.forgetIfUnused(service);
  }
}
