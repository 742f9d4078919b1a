package io.discovery.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import io.discovery.testing.ManualScheduler;
import io.discovery.loadbalancer.CallHandle;
import io.discovery.loadbalancer.LoadBalancer;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A balancer's meters over a view of two instances in the memory registry, on fake time. */
class LoadBalancerMetricsTest {
  private static final AtomicInteger REGISTRIES = new AtomicInteger();

  private final ManualScheduler time = new ManualScheduler();
  private final DiscoveryClient client = DiscoveryClient.builder()
      .registry("memory://balancer-metrics-" + REGISTRIES.incrementAndGet()).scheduler(time)
      .initialLoadTimeout(Duration.ZERO).withoutLogging().withoutShutdownHook().build();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private ServiceView payments;

  @BeforeEach
  void registerTwo() {
    client.register("payments", "10.0.0.1:80");
    client.register("payments", "10.0.0.2:80");
    time.runDue();
    payments = client.service("payments");
  }

  @AfterEach
  void close() {
    client.close();
  }

  private double gauge(String name) {
    return meters.get(name).tag("service", "payments").gauge().value();
  }

  private double picks() {
    return meters.get("discovery.balancer.picks").tag("service", "payments").functionCounter().count();
  }

  @Test
  void picksAndCallsInFlightAreCounted() {
    LoadBalancer lb = LoadBalancer.builder(payments).ticker(time::nanoTime).build();
    new LoadBalancerMetrics(lb).bindTo(meters);

    CallHandle first = lb.begin();
    CallHandle second = lb.begin();
    lb.pick();
    assertThat(picks()).isEqualTo(3);
    assertThat(gauge("discovery.balancer.in.flight")).isEqualTo(2);

    first.close();
    second.close();
    assertThat(gauge("discovery.balancer.in.flight")).isZero();
    assertThat(gauge("discovery.balancer.ejected")).isZero();
    assertThat(gauge("discovery.balancer.panic")).isZero();
  }

  @Test
  void ejectedInstancesAndPanicModeAreReported() {
    LoadBalancer lb = LoadBalancer.builder(payments).outlierEjection(ejectAfterOneFailure()).ticker(time::nanoTime).build();
    new LoadBalancerMetrics(lb, Tags.of("client", "checkout")).bindTo(meters);

    ServiceInstance failed = fail(lb);
    assertThat(gauge("discovery.balancer.ejected")).isEqualTo(1);
    lb.pick();
    assertThat(gauge("discovery.balancer.panic")).isZero();

    assertThat(fail(lb)).as("the ejected instance is skipped").isNotEqualTo(failed);
    assertThat(gauge("discovery.balancer.ejected")).isEqualTo(2);
    lb.pick();
    assertThat(gauge("discovery.balancer.panic")).as("every instance ejected").isEqualTo(1);
    assertThat(meters.get("discovery.balancer.panic").tag("client", "checkout").gauge()).isNotNull();
  }

  @Test
  void aBalancerNobodyHoldsIsNotKeptAliveByItsMeters() {
    WeakReference<LoadBalancer> dropped = droppedBalancerBoundTo(meters);

    Gauges.awaitCollected(dropped);
    assertThat(gauge("discovery.balancer.in.flight")).isNaN();
  }

  @Test
  void aBalancerThatKeepsNoStatsIsRefused() {
    LoadBalancer foreign = new LoadBalancer() {
      @Override
      public ServiceInstance pick() {
        return payments.instances().get(0);
      }

      @Override
      public ServiceInstance pick(String key) {
        return pick();
      }

      @Override
      public CallHandle begin() {
        throw new UnsupportedOperationException("picks only");
      }

      @Override
      public CallHandle begin(String key) {
        return begin();
      }

      @Override
      public ServiceView view() {
        return payments;
      }
    };

    assertThatThrownBy(() -> new LoadBalancerMetrics(foreign))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot meter the balancer of 'payments': ")
        .hasMessageContaining("keeps no stats");
  }

  private WeakReference<LoadBalancer> droppedBalancerBoundTo(SimpleMeterRegistry registry) {
    LoadBalancer lb = LoadBalancerMetrics.monitor(registry, LoadBalancer.roundRobin(payments));
    lb.pick();
    assertThat(picks()).isEqualTo(1);
    return new WeakReference<>(lb);
  }

  /** Begins a call and reports it failed; returns the instance it went to. */
  private static ServiceInstance fail(LoadBalancer lb) {
    try (CallHandle call = lb.begin()) {
      call.failed(new IOException("connection refused"));
      return call.instance();
    }
  }

  private static CircuitBreakerRegistry ejectAfterOneFailure() {
    return CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(1)
        .minimumNumberOfCalls(1)
        .failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofMinutes(1))
        .build());
  }
}
