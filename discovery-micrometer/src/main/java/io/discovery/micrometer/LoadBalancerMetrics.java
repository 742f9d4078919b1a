package io.discovery.micrometer;

import io.discovery.loadbalancer.LoadBalancer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;

/**
 * Meters of one {@link LoadBalancer}, tagged {@code service}: {@code discovery.balancer.picks},
 * {@code discovery.balancer.in.flight}, {@code discovery.balancer.ejected} and
 * {@code discovery.balancer.panic}, read from {@link LoadBalancer#stats()}. They hold the balancer
 * weakly: a balancer nobody else references is collected, and they then read NaN.
 *
 * <pre>{@code
 * new LoadBalancerMetrics(payments).bindTo(registry);
 * // the balancers an HTTP integration makes, one per service:
 * DiscoveryInterceptor.builder(discovery)
 *     .balancer(view -> LoadBalancerMetrics.monitor(registry, LoadBalancer.builder(view).outlierEjection().build()))
 *     .build();
 * }</pre>
 */
public final class LoadBalancerMetrics implements MeterBinder {
  private final LoadBalancer balancer;
  private final Tags tags;

  /**
   * Meters of {@code balancer}.
   *
   * @param balancer a balancer made by {@code LoadBalancer.builder}, which keeps stats
   * @throws IllegalArgumentException if the balancer keeps no stats
   */
  public LoadBalancerMetrics(LoadBalancer balancer) {
    this(balancer, Tags.empty());
  }

  /**
   * Meters of {@code balancer} with extra tags.
   *
   * @param balancer a balancer made by {@code LoadBalancer.builder}, which keeps stats
   * @param tags     added to every meter, e.g. to tell apart two balancers of one service
   * @throws IllegalArgumentException if the balancer keeps no stats
   */
  public LoadBalancerMetrics(LoadBalancer balancer, Iterable<Tag> tags) {
    this.balancer = Objects.requireNonNull(balancer, "balancer");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    try {
      balancer.stats();
    } catch (UnsupportedOperationException e) {
      throw new IllegalArgumentException("cannot meter the balancer of '" + balancer.view().service() + "': "
          + e.getMessage(), e);
    }
  }

  /**
   * Binds the meters of {@code balancer} to {@code registry} and returns the balancer, for factories
   * such as {@code DiscoveryInterceptor.Builder.balancer(view -> ...)}.
   *
   * @param registry where the meters go
   * @param balancer a balancer made by {@code LoadBalancer.builder}
   * @return {@code balancer}
   */
  public static LoadBalancer monitor(MeterRegistry registry, LoadBalancer balancer) {
    new LoadBalancerMetrics(balancer).bindTo(registry);
    return balancer;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Tags all = tags.and("service", balancer.view().service());
    FunctionCounter.builder("discovery.balancer.picks", balancer, b -> b.stats().picks())
        .tags(all)
        .description("Instances the balancer handed out, by pick or begin")
        .register(registry);
    Gauge.builder("discovery.balancer.in.flight", balancer, b -> b.stats().inFlight())
        .tags(all)
        .description("Calls begun and not yet closed")
        .register(registry);
    Gauge.builder("discovery.balancer.ejected", balancer, b -> b.stats().ejected())
        .tags(all)
        .description("Instances skipped because their circuit breaker is open or half-open")
        .register(registry);
    Gauge.builder("discovery.balancer.panic", balancer, b -> b.stats().panic() ? 1 : 0)
        .tags(all)
        .description("1 while picks ignore ejection because too many instances are ejected, else 0")
        .register(registry);
  }
}
