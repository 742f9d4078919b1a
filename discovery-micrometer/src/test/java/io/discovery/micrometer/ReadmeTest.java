package io.discovery.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.discovery.client.DiscoveryClient;
import io.discovery.testing.ManualScheduler;
import io.discovery.loadbalancer.DiscoveryInterceptor;
import io.discovery.loadbalancer.LoadBalancer;
import io.discovery.loadbalancer.Policy;
import io.discovery.loadbalancer.RetryBudget;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's Metrics snippets, run: each {@code // readme:begin NAME} region below stands in the
 * README exactly, which the examples module's {@code ReadmeSnippetsTest} checks with the others.
 */
class ReadmeTest {

  private final ManualScheduler time = new ManualScheduler();
  private final DiscoveryClient discovery = DiscoveryClient.builder().registry("memory://readme-metrics").scheduler(time)
      .initialLoadTimeout(Duration.ZERO).withoutLogging().withoutShutdownHook().build();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void close() {
    discovery.close();
  }

  @Test
  void theClientAndBalancerSnippetBindsBoth() {
    LoadBalancer payments = LoadBalancer.roundRobin(discovery.service("payments"));

    // readme:begin micrometer
    new DiscoveryClientMetrics(discovery).bindTo(registry);   // registrations, and every view, started now or later
    new LoadBalancerMetrics(payments).bindTo(registry);       // one balancer
    // readme:end micrometer

    assertThat(registry.find("discovery.registrations").gauges()).hasSize(5);
    assertThat(registry.get("discovery.view.instances").tag("service", "payments").gauge().value()).isZero();
    assertThat(registry.get("discovery.balancer.picks").tag("service", "payments").functionCounter().count()).isZero();
  }

  @Test
  void theHttpSnippetMetersEachBalancerTheInterceptorMakesAndTheBudget() {
    // readme:begin micrometerHttp
    RetryBudget budget = RetryBudget.defaults();
    DiscoveryInterceptor interceptor = DiscoveryInterceptor.builder(discovery)
        .balancer(view -> LoadBalancerMetrics.monitor(registry, LoadBalancer.builder(view).policy(Policy.leastConnection()).outlierEjection().build()))
        .retryBudget(budget)
        .build();
    new RetryBudgetMetrics(budget).bindTo(registry);
    // readme:end micrometerHttp

    assertThat(registry.find("discovery.balancer.picks").tag("service", "orders").functionCounters()).isEmpty();
    interceptor.balancer("orders");
    assertThat(registry.get("discovery.balancer.ejected").tag("service", "orders").gauge().value()).isZero();
    assertThat(registry.get("discovery.balancer.retries").functionCounter().count()).isZero();
  }
}
