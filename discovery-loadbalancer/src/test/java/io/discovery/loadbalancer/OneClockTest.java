package io.discovery.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import io.discovery.client.memory.MemoryRegistry;
import io.discovery.testing.ManualScheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One ManualScheduler drives registration waits, the balancer's slow start and the retry budget. */
class OneClockTest {
  private final ManualScheduler time = new ManualScheduler();
  private final MemoryRegistry registry = MemoryRegistry.named("one-clock-" + System.nanoTime());
  private final DiscoveryClient client = DiscoveryClient.builder().registry("memory://" + registry.name()).scheduler(time)
      .initialLoadTimeout(Duration.ZERO).withoutShutdownHook().build();

  @AfterEach
  void close() {
    client.close();
  }

  @Test
  void awaitRegisteredMeasuresItsTimeoutOnTheSchedulersClock() throws Exception {
    registry.setReachable(false);
    Registration registration = client.register("payments", "10.0.0.1:80");
    CompletableFuture<Boolean> waiting = new CompletableFuture<>();
    Thread waiter = new Thread(() -> {
      try {
        waiting.complete(registration.awaitRegistered(Duration.ofSeconds(10)));
      } catch (InterruptedException e) {
        waiting.completeExceptionally(e);
      }
    }, "waiter");
    waiter.start();

    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    Boolean registered = null;
    while (registered == null && System.nanoTime() < giveUp) {
      try {
        registered = waiting.get(5, TimeUnit.MILLISECONDS);
      } catch (TimeoutException stillWaiting) {
        time.advance(Duration.ofSeconds(1));
      }
    }

    assertThat(registered).as("gave up when fake time passed 10 s").isFalse();
    assertThat(time.nanos()).isGreaterThanOrEqualTo(Duration.ofSeconds(10).toNanos());
  }

  @Test
  void slowStartAndTheRetryBudgetFollowTheSchedulersClock() {
    registry.backend(new ManualScheduler()).register(ServiceInstance.of("payments", "10.0.0.1:80"), Duration.ofHours(1));
    ServiceView view = client.service("payments");
    LoadBalancer lb = LoadBalancer.builder(view).slowStart(Duration.ofSeconds(10)).ticker(time::nanoTime).build();
    registry.backend(new ManualScheduler()).register(ServiceInstance.of("payments", "10.0.0.2:80"), Duration.ofHours(1));
    time.runDue();
    assertThat(view.instances()).hasSize(2);

    assertThat(share(lb, "10.0.0.2")).as("a new instance starts at about 10%").isBetween(0.02, 0.25);
    time.advance(Duration.ofSeconds(10));
    assertThat(share(lb, "10.0.0.2")).as("and has its full half after the window").isBetween(0.4, 0.6);

    RetryBudget budget = RetryBudget.of(0, 1, Duration.ofSeconds(1), time::nanoTime);
    assertThat(budget.tryRetry()).isTrue();
    assertThat(budget.tryRetry()).isFalse();
    time.advance(Duration.ofSeconds(1));
    assertThat(budget.tryRetry()).as("a new second on the fake clock refills it").isTrue();
  }

  private static double share(LoadBalancer lb, String host) {
    int hits = 0;
    for (int i = 0; i < 4000; i++) {
      hits += lb.pick().host().equals(host) ? 1 : 0;
    }
    return hits / 4000.0;
  }
}
