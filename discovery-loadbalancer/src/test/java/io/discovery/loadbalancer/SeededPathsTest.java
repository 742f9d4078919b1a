package io.discovery.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.discovery.client.ServiceInstance;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Paths that depend on random draws, taken on purpose through an injected source. */
class SeededPathsTest {
  private final ScriptedRandom random = new ScriptedRandom();

  @Test
  void unluckyDrawsStillEndOnTheOneInstanceNotEjected() {
    TestView view = new TestView("payments", 3);
    CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
    LoadBalancer lb = LoadBalancer.builder(view).policy(Policy.random()).outlierEjection(registry).random(() -> random).build();
    for (ServiceInstance out : view.instances().subList(0, 2)) {
      registry.circuitBreaker(DefaultLoadBalancer.breakerName("payments", out)).transitionToForcedOpenState();
    }
    // Four draws land on an ejected instance; the scan that follows starts at the other ejected one.
    random.then(0, 0, 1, 0).then(1);

    assertThat(lb.pick()).isEqualTo(view.instances().get(2));
    assertThat(random.left()).isZero();
  }

  @Test
  void aSlowStartingInstanceIsAdmittedOnlyWhenTheDrawIsUnderItsShare() {
    TestView view = new TestView("payments", 1);
    AtomicLong now = new AtomicLong();
    LoadBalancer lb = LoadBalancer.builder(view).policy(Policy.random()).slowStart(Duration.ofSeconds(10))
        .ticker(now::get).random(() -> random).build();
    view.set(TestView.instances("payments", 0, 2));
    ServiceInstance warm = view.instances().get(0);
    ServiceInstance cold = view.instances().get(1);
    now.set(Duration.ofSeconds(5).toNanos()); // half-way: a 50% share

    random.then(1, 0.49);
    assertThat(lb.pick()).isEqualTo(cold);
    random.then(1, 0.51, 0); // refused; the next draw goes to the warm instance, which draws nothing more
    assertThat(lb.pick()).isEqualTo(warm);
    now.set(Duration.ofMillis(500).toNanos()); // 5%: the floor of 10% applies
    random.then(1, 0.09);
    assertThat(lb.pick()).isEqualTo(cold);
    assertThat(random.left()).isZero();
  }

  @Test
  void roundRobinStartsWhereTheSourceSaysAndWalksOn() {
    TestView view = new TestView("payments", 3);
    random.then(5, 5, 5, 5, 5, 5, 5, 5); // each stripe's start: 5 % 3 = instance 2
    LoadBalancer lb = LoadBalancer.builder(view).random(() -> random).build();

    assertThat(List.of(lb.pick(), lb.pick(), lb.pick(), lb.pick()))
        .containsExactly(view.instances().get(2), view.instances().get(0), view.instances().get(1), view.instances().get(2));
  }

  @Test
  void overEightInstancesLeastConnectionTakesTheLessLoadedOfTwoDistinctDraws() {
    TestView view = new TestView("payments", 10);
    LoadBalancer lb = LoadBalancer.builder(view).policy(Policy.leastConnection()).random(() -> random).build();
    List<ServiceInstance> all = view.instances();

    random.then(3, 3); // a = 3; the second draw skips a: 3 -> 4; both idle, so a
    CallHandle held = lb.begin();
    assertThat(held.instance()).isEqualTo(all.get(3));
    random.then(3, 3); // a = 3 with a call in flight, b = 4 idle
    assertThat(lb.pick()).isEqualTo(all.get(4));
    random.then(4, 2); // a = 4, b = 2 (below a: not shifted); equal loads keep a
    assertThat(lb.pick()).isEqualTo(all.get(4));
    held.close();
    assertThat(random.left()).isZero();
  }

  @Test
  void upToEightInstancesLeastConnectionScansFromTheDrawnStartAndRetriesAtRandom() {
    TestView view = new TestView("payments", 4);
    LoadBalancer lb = LoadBalancer.builder(view).policy(Policy.leastConnection()).random(() -> random).build();
    List<ServiceInstance> all = view.instances();

    random.then(2); // an idle instance at the start ends the scan
    CallHandle first = lb.begin();
    assertThat(first.instance()).isEqualTo(all.get(2));
    random.then(2); // from 2: 2 is busy, 3 is idle
    assertThat(lb.pick()).isEqualTo(all.get(3));
    first.close();
    assertThat(random.left()).isZero();
  }

  @Test
  void anExactScanLimitAboveTheCountScansAllInstances() {
    TestView view = new TestView("payments", 20);
    LoadBalancer lb = LoadBalancer.builder(view).policy(Policy.leastConnection(20)).random(() -> random).build();
    List<CallHandle> held = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      random.then(i); // a scan from i ends at once on the idle instance i
      held.add(lb.begin());
    }
    held.get(17).close(); // the only instance with no call in flight now

    random.then(5); // from 5, past 12 busy instances
    assertThat(lb.pick()).isEqualTo(view.instances().get(17));
    assertThat(random.left()).isZero();
    assertThat(Policy.leastConnection(20).toString()).isEqualTo("least-connection(exact up to 20)");
    assertThat(Policy.leastConnection(Policy.DEFAULT_EXACT_UP_TO).toString()).isEqualTo(Policy.leastConnection().toString());
    assertThatThrownBy(() -> Policy.leastConnection(0)).hasMessageContaining("invalid exact scan limit 0");
    held.forEach(CallHandle::close);
  }

  @Test
  void aKeylessConsistentHashPickIsDrawn() {
    TestView view = new TestView("payments", 3);
    LoadBalancer lb = LoadBalancer.builder(view).policy(Policy.consistentHash()).random(() -> random).build();

    random.then(1);
    assertThat(lb.pick()).isEqualTo(view.instances().get(1));
    assertThat(random.left()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"round-robin", "weighted-round-robin", "random", "weighted-random", "least-connection", "peak-ewma",
      "consistent-hash"})
  void theSameSeedTakesTheSamePath(String policy) {
    assertThat(picks(policy, 7)).isEqualTo(picks(policy, 7));
  }

  @ParameterizedTest
  @ValueSource(strings = {"random", "weighted-random", "least-connection", "peak-ewma"})
  void anotherSeedTakesAnotherPath(String policy) {
    assertThat(picks(policy, 7)).isNotEqualTo(picks(policy, 8));
  }

  /** 200 calls over 12 instances of mixed weights, one in three held open across the next pick. */
  private static List<String> picks(String policy, long seed) {
    List<ServiceInstance> instances = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      instances.add(ServiceInstance.builder("payments", "10.0.0." + (i + 1) + ":80").weight(1 + i % 3).build());
    }
    TestView view = new TestView("payments", 0);
    view.set(instances);
    SplittableRandom source = new SplittableRandom(seed);
    AtomicLong now = new AtomicLong();
    LoadBalancer lb = LoadBalancer.builder(view).policy(Policy.named(policy)).ticker(now::get).random(() -> source).build();
    List<String> picked = new ArrayList<>();
    CallHandle held = null;
    for (int i = 0; i < 200; i++) {
      now.addAndGet(1_000_000L * (1 + i % 7));
      CallHandle call = lb.begin();
      picked.add(call.instance().host());
      if (held != null) {
        held.succeeded();
        held.close();
      }
      held = i % 3 == 0 ? call : null;
      if (held == null) {
        call.succeeded();
        call.close();
      }
    }
    return picked;
  }

  @Test
  void aFailurePenaltyOutsideOneToAHundredIsRefusedNamingIt() {
    assertThatThrownBy(() -> Policy.peakEwma(Duration.ofSeconds(10), 0.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0.5");
    assertThatThrownBy(() -> Policy.peakEwma(Duration.ofSeconds(10), Double.NaN))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    assertThat(Policy.peakEwma(Duration.ofSeconds(10), 4).toString()).contains("x4.0");
    assertThat(Policy.peakEwma(Duration.ofSeconds(10), 2).toString()).isEqualTo(Policy.peakEwma().toString());
  }
}
