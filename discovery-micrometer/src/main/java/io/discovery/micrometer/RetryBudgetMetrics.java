package io.discovery.micrometer;

import io.discovery.loadbalancer.RetryBudget;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;

/**
 * Meters of a {@link RetryBudget}: {@code discovery.balancer.retries} and
 * {@code discovery.balancer.retry.budget.spent}. An HTTP integration draws every service's retries from
 * one budget, so these carry no {@code service} tag; give the integration a budget of your own to meter it.
 * They hold the budget weakly.
 *
 * <pre>{@code
 * RetryBudget budget = RetryBudget.defaults();
 * DiscoveryInterceptor interceptor = DiscoveryInterceptor.builder(discovery).retryBudget(budget).build();
 * new RetryBudgetMetrics(budget).bindTo(registry);
 * }</pre>
 */
public final class RetryBudgetMetrics implements MeterBinder {
  private final RetryBudget budget;
  private final Tags tags;

  /**
   * Meters of {@code budget}.
   *
   * @param budget the budget an HTTP integration retries with
   */
  public RetryBudgetMetrics(RetryBudget budget) {
    this(budget, Tags.empty());
  }

  /**
   * Meters of {@code budget} with extra tags.
   *
   * @param budget the budget an HTTP integration retries with
   * @param tags   added to every meter, e.g. {@code client=checkout} when several budgets share a registry
   */
  public RetryBudgetMetrics(RetryBudget budget, Iterable<Tag> tags) {
    this.budget = Objects.requireNonNull(budget, "budget");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder("discovery.balancer.retries", budget, RetryBudget::retriesTaken)
        .tags(tags)
        .description("Requests sent again to another instance after a failed attempt")
        .register(registry);
    Gauge.builder("discovery.balancer.retry.budget.spent", budget, RetryBudget::spent)
        .tags(tags)
        .description("Share of the retry budget's window that retries took, 0 to 1; at 1 no request is retried")
        .register(registry);
  }
}
