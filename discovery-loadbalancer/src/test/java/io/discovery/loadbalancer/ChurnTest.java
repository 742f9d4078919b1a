package io.discovery.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.discovery.client.ServiceInstance;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Instances that move, share ids, or meet breakers and slow start at once. */
class ChurnTest {
  private static ServiceInstance at(String id, String hostPort) {
    return ServiceInstance.builder("payments", hostPort).id(id).build();
  }

  private static CircuitBreakerRegistry breakers(int halfOpenCalls) {
    return CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(4).minimumNumberOfCalls(4).failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofMinutes(1)).permittedNumberOfCallsInHalfOpenState(halfOpenCalls).build());
  }

  @ParameterizedTest
  @ValueSource(strings = {"round-robin", "weighted-round-robin", "random", "weighted-random",
      "least-connection", "peak-ewma", "consistent-hash"})
  void anInstanceThatMovesIsCalledAtItsNewAddressByEveryPick(String name) {
    TestView view = new TestView("payments", 0);
    view.set(List.of(at("pod-0", "10.0.0.1:80")));
    LoadBalancer lb = LoadBalancer.builder(view).policy(Policy.named(name)).build();
    assertThat(lb.pick().hostPort()).isEqualTo("10.0.0.1:80");

    view.set(List.of(at("pod-0", "10.0.0.9:80")));

    assertThat(lb.pick().hostPort()).isEqualTo("10.0.0.9:80");
    assertThat(lb.pick("user-1").hostPort()).isEqualTo("10.0.0.9:80");
    try (CallHandle call = lb.begin()) {
      assertThat(call.instance().hostPort()).isEqualTo("10.0.0.9:80");
    }
    try (CallHandle call = lb.begin("user-1")) {
      assertThat(call.instance().hostPort()).isEqualTo("10.0.0.9:80");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"round-robin", "weighted-round-robin", "random", "weighted-random",
      "least-connection", "peak-ewma", "consistent-hash"})
  void instancesSharingAnIdOnDifferentHostsAreEachCalled(String name) {
    TestView view = new TestView("payments", 0);
    view.set(List.of(at("web", "10.0.0.1:80"), at("web", "10.0.0.2:80"), at("web", "10.0.0.3:80")));
    // A still clock: calls take no time, so peak-EWMA has no latency to prefer one address over another.
    LoadBalancer lb = LoadBalancer.builder(view).policy(Policy.named(name)).outlierEjection().ticker(() -> 0L).build();

    Set<String> picked = new HashSet<>();
    Set<String> begun = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      picked.add(lb.pick("user-" + i).hostPort());
      try (CallHandle call = lb.begin()) {
        begun.add(call.instance().hostPort());
        call.succeeded();
      }
    }

    assertThat(picked).containsExactlyInAnyOrder("10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80");
    assertThat(begun).containsExactlyInAnyOrder("10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80");
  }

  @Test
  void aBreakerStaysWithItsAddressNotWithItsId() {
    TestView view = new TestView("payments", 0);
    ServiceInstance old = at("pod-0", "10.0.0.1:80");
    ServiceInstance other = at("pod-1", "10.0.0.2:80");
    view.set(List.of(old, other));
    LoadBalancer lb = LoadBalancer.builder(view).outlierEjection(breakers(1)).ticker(() -> 0L).build();
    Calls.failOn(lb, old, 4);

    view.set(List.of(old.toBuilder().metadata("version", "2").build(), other));
    Set<String> sameAddress = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      sameAddress.add(lb.pick().hostPort());
    }
    assertThat(sameAddress).as("same id, same address: still ejected").containsExactly("10.0.0.2:80");

    view.set(List.of(at("pod-0", "10.0.0.9:80"), other));
    Set<String> moved = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      moved.add(lb.pick().hostPort());
    }
    assertThat(moved).as("same id at a new address starts afresh").contains("10.0.0.9:80");
  }

  @Test
  void aSlowStartingInstanceInHalfOpenStateStillGetsItsProbes() {
    TestView view = new TestView("payments", 1);
    AtomicLong now = new AtomicLong();
    CircuitBreakerRegistry registry = breakers(3);
    LoadBalancer lb = LoadBalancer.builder(view).outlierEjection(registry).slowStart(Duration.ofMinutes(10))
        .ticker(now::get).build();
    ServiceInstance late = TestView.instances("payments", 1, 1).get(0);
    lb.pick(); // the balancer has seen its first snapshot: instances added later slow-start
    view.set(TestView.instances("payments", 0, 2));
    Calls.failOn(lb, late, 4);
    CircuitBreaker breaker = registry.circuitBreaker(DefaultLoadBalancer.breakerName("payments", late));
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
    breaker.transitionToHalfOpenState(); // as after the open wait; the instance is still within its slow start

    for (int i = 0; i < 2000 && breaker.getState() != CircuitBreaker.State.CLOSED; i++) {
      try (CallHandle call = lb.begin()) {
        call.succeeded();
      }
    }

    assertThat(breaker.getState()).as("three successful probes close the breaker").isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void panicModeReleasesNoPermitItDidNotTake() {
    TestView view = new TestView("payments", 2);
    CircuitBreakerRegistry registry = breakers(1);
    DefaultLoadBalancer lb = (DefaultLoadBalancer) LoadBalancer.builder(view).outlierEjection(registry).ticker(() -> 0L).build();
    for (int i = 0; i < 8; i++) {
      try (CallHandle call = lb.begin()) {
        call.failed(new IOException("503"));
      }
    }
    List<CircuitBreaker> all = view.instances().stream()
        .map(instance -> registry.circuitBreaker(DefaultLoadBalancer.breakerName("payments", instance))).toList();
    all.forEach(CircuitBreaker::transitionToHalfOpenState);

    for (int i = 0; i < 10; i++) {
      lb.begin().close(); // cancelled before an outcome: panic-mode picks take no permit, so none is given back
    }

    assertThat(lb.inPanic()).isTrue();
    for (CircuitBreaker breaker : all) {
      int granted = 0;
      for (int i = 0; i < 5; i++) {
        granted += breaker.tryAcquirePermission() ? 1 : 0;
      }
      assertThat(granted).as(breaker.getName() + " permits in half-open state").isLessThanOrEqualTo(1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"DISABLED", "METRICS_ONLY"})
  void aBreakerThatDoesNotEjectLeavesItsInstanceInEveryPick(String state) {
    TestView view = new TestView("payments", 2);
    CircuitBreakerRegistry registry = breakers(1);
    LoadBalancer lb = LoadBalancer.builder(view).outlierEjection(registry).build();
    CircuitBreaker breaker = registry.circuitBreaker(DefaultLoadBalancer.breakerName("payments", view.instances().get(0)));
    if (state.equals("DISABLED")) {
      breaker.transitionToDisabledState();
    } else {
      breaker.transitionToMetricsOnlyState();
    }

    Set<ServiceInstance> picked = new HashSet<>();
    Set<ServiceInstance> begun = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      picked.add(lb.pick());
    }
    for (int i = 0; i < 100; i++) {
      try (CallHandle call = lb.begin()) {
        begun.add(call.instance());
      }
    }

    assertThat(picked).containsExactlyInAnyOrderElementsOf(view.instances());
    assertThat(begun).containsExactlyInAnyOrderElementsOf(view.instances());
  }

  @Test
  void pickersAreBuiltOnTheThreadThatChangesTheViewNeverInsideAPick() throws Exception {
    TestView view = new TestView("payments", 3);
    Set<String> buildThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    Policy recording = new Policy("recording") {
      @Override
      Chooser chooser(Candidates candidates, Object state, java.util.function.Supplier<java.util.random.RandomGenerator> random) {
        buildThreads.add(Thread.currentThread().getName());
        return (key, attempt, now) -> 0;
      }
    };
    LoadBalancer lb = LoadBalancer.builder(view).policy(recording).build();
    Thread publisher = new Thread(() -> view.set(TestView.instances("payments", 0, 5)), "view-publisher");
    publisher.start();
    publisher.join();
    buildThreads.remove(Thread.currentThread().getName()); // the first picker is built with the balancer

    for (int i = 0; i < 10; i++) {
      lb.pick();
    }

    assertThat(buildThreads).containsExactly("view-publisher");
  }

  @Test
  void everyPolicyBuildsBoundedStructuresForAThousandHeavyInstances() {
    int[] weights = new int[1000];
    java.util.Arrays.fill(weights, ServiceInstance.MAX_WEIGHT);
    weights[0] = 1;
    int[] order = Policy.smoothOrder(weights);
    assertThat((long) order.length * weights.length).isLessThanOrEqualTo(Policy.MAX_SMOOTH_STEPS);
    assertThat(java.util.Arrays.stream(order).distinct().count()).as("every instance is in the cycle").isEqualTo(1000);

    TestView view = new TestView("payments", 0);
    List<ServiceInstance> heavy = TestView.instances("payments", 0, 1000).stream()
        .map(i -> i.toBuilder().weight(ServiceInstance.MAX_WEIGHT).build()).toList();
    view.set(heavy);
    Candidates candidates = new Candidates(heavy.toArray(new ServiceInstance[0]), new InstanceStats[heavy.size()]);
    assertThat(HashRing.of(candidates, 160, java.util.concurrent.ThreadLocalRandom::current).points()).isLessThanOrEqualTo(HashRing.MAX_POINTS);
  }
}
