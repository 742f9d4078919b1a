package io.discovery.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.discovery.client.ServiceInstance;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutlierEjectionTest {
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final Listener listener = new Listener() {
    @Override
    public void ejected(ServiceInstance instance) {
      events.add("ejected " + instance.host());
    }

    @Override
    public void restored(ServiceInstance instance) {
      events.add("restored " + instance.host());
    }

    @Override
    public void panicStarted(String service, int ejected, int total) {
      events.add("panic " + ejected + "/" + total);
    }

    @Override
    public void panicEnded(String service) {
      events.add("calm");
    }
  };

  private static CircuitBreakerRegistry breakers(Duration openFor) {
    return CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(4).minimumNumberOfCalls(4).failureRateThreshold(50)
        .waitDurationInOpenState(openFor).permittedNumberOfCallsInHalfOpenState(1).build());
  }

  @ParameterizedTest
  @ValueSource(strings = {"round-robin", "least-connection", "peak-ewma", "random"})
  void anInstanceIsEjectedAfterFailuresAndSkippedByEveryPolicy(String name) {
    Policy policy = Policy.named(name);
    TestView view = new TestView("payments", 3);
    // A still clock: every call takes no time, so latency-aware policies do not avoid the failing instance first.
    LoadBalancer lb = LoadBalancer.builder(view).policy(policy).outlierEjection(breakers(Duration.ofMinutes(1)))
        .listener(listener).ticker(() -> 0L).build();
    ServiceInstance bad = view.instances().get(1);

    Calls.failOn(lb, bad, 4);

    assertThat(events).containsExactly("ejected " + bad.host());
    for (int i = 0; i < 3000; i++) {
      try (CallHandle call = lb.begin()) {
        assertThat(call.instance()).isNotEqualTo(bad);
        call.succeeded();
      }
    }
  }

  @Test
  void aHalfOpenBreakerLetsAProbeThroughAndASuccessfulProbeRestoresTheInstance() {
    TestView view = new TestView("payments", 2);
    CircuitBreakerRegistry registry = breakers(Duration.ofMinutes(1));
    LoadBalancer lb = LoadBalancer.builder(view).outlierEjection(registry).listener(listener).build();
    ServiceInstance bad = view.instances().get(0);
    Calls.failOn(lb, bad, 4);
    registry.circuitBreaker(DefaultLoadBalancer.breakerName("payments", bad)).transitionToHalfOpenState(); // as after the open wait

    Set<ServiceInstance> seen = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      try (CallHandle call = lb.begin()) {
        seen.add(call.instance());
        call.succeeded();
      }
    }

    assertThat(seen).contains(bad);
    assertThat(events).containsExactly("ejected " + bad.host(), "restored " + bad.host());
  }

  @Test
  void whenEveryInstanceIsEjectedPicksGoToAllOfThemInPanicMode() {
    TestView view = new TestView("payments", 2);
    DefaultLoadBalancer lb = (DefaultLoadBalancer) LoadBalancer.builder(view).outlierEjection(breakers(Duration.ofMinutes(1)))
        .listener(listener).build();
    for (int i = 0; i < 8; i++) {
      try (CallHandle call = lb.begin()) {
        call.failed(new IOException("503"));
      }
    }
    Set<ServiceInstance> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      seen.add(lb.pick());
    }

    assertThat(seen).containsExactlyInAnyOrderElementsOf(view.instances());
    assertThat(lb.inPanic()).isTrue();
    assertThat(events).endsWith("panic 2/2");
  }

  @Test
  void panicStartsAtTheConfiguredShareAndEndsWhenInstancesRecover() {
    TestView view = new TestView("payments", 4);
    CircuitBreakerRegistry registry = breakers(Duration.ofMinutes(1));
    DefaultLoadBalancer lb = (DefaultLoadBalancer) LoadBalancer.builder(view).outlierEjection(registry)
        .panicWhenEjectedAbove(0.5).listener(listener).build();
    Calls.failOn(lb, view.instances().get(0), 4);
    Calls.failOn(lb, view.instances().get(1), 4);
    lb.pick();
    assertThat(lb.inPanic()).as("2 of 4 is not above half").isFalse();

    Calls.failOn(lb, view.instances().get(2), 4);
    lb.pick();
    assertThat(lb.inPanic()).isTrue();

    registry.circuitBreaker(DefaultLoadBalancer.breakerName("payments", view.instances().get(2))).transitionToClosedState();
    lb.pick();
    assertThat(lb.inPanic()).isFalse();
    assertThat(events).containsSubsequence("panic 3/4", "restored " + view.instances().get(2).host(), "calm");
  }

  @Test
  void anInstanceThatLeavesTheViewTakesItsEjectionWithIt() {
    TestView view = new TestView("payments", 2);
    DefaultLoadBalancer lb = (DefaultLoadBalancer) LoadBalancer.builder(view).outlierEjection(breakers(Duration.ofMinutes(1)))
        .listener(listener).build();
    Calls.failOn(lb, view.instances().get(0), 4);
    view.set(List.of(view.instances().get(1)));
    lb.pick();
    view.set(TestView.instances("payments", 1, 1));
    assertThat(lb.pick()).isEqualTo(view.instances().get(0));
    assertThat(lb.inPanic()).isFalse();
  }

  @Test
  void ejectedLocalInstancesSpillTheZonesTrafficOverToTheOthers() {
    TestView view = new TestView("payments", 0);
    List<ServiceInstance> instances = List.of(
        ServiceInstance.builder("payments", "10.0.0.1:80").zone("a").build(),
        ServiceInstance.builder("payments", "10.0.0.2:80").zone("a").build(),
        ServiceInstance.builder("payments", "10.0.0.3:80").zone("b").build(),
        ServiceInstance.builder("payments", "10.0.0.4:80").zone("b").build());
    view.set(instances);
    LoadBalancer lb = LoadBalancer.builder(view).policy(Policy.roundRobin()).preferZone("a", 1)
        .outlierEjection(breakers(Duration.ofMinutes(1))).panicWhenEjectedAbove(0.9).ticker(() -> 0L).build();
    assertThat(Calls.countByHost(lb, 100)).containsOnlyKeys("10.0.0.1", "10.0.0.2");

    Calls.failOn(lb, instances.get(0), 4);
    assertThat(Calls.countByHost(lb, 100)).as("one healthy local instance is enough").containsOnlyKeys("10.0.0.2");

    Calls.failOn(lb, instances.get(1), 4);
    assertThat(Calls.countByHost(lb, 100)).as("no healthy local instance: the other zone").containsOnlyKeys("10.0.0.3", "10.0.0.4");
  }

  @Test
  void panicModeStartsOnlyAboveTheShareAndSendsTrafficToEjectedInstances() {
    TestView view = new TestView("payments", 4);
    LoadBalancer lb = LoadBalancer.builder(view).policy(Policy.roundRobin()).outlierEjection(breakers(Duration.ofMinutes(1)))
        .panicWhenEjectedAbove(0.5).listener(listener).ticker(() -> 0L).build();
    List<ServiceInstance> all = view.instances();

    Calls.failOn(lb, all.get(0), 4);
    Calls.failOn(lb, all.get(1), 4);
    assertThat(events).as("2 of 4 is not above half").doesNotContain("panic 2/4");
    assertThat(Calls.countByHost(lb, 100)).as("ejected instances get no pick").containsOnlyKeys(all.get(2).host(), all.get(3).host());

    Calls.failOn(lb, all.get(2), 4);

    assertThat(events).contains("panic 3/4");
    assertThat(Calls.countByHost(lb, 400)).as("in panic every instance gets picks again").hasSize(4);
  }

  @Test
  void aKeyedCallGoesToTheKeysInstanceAndSkipsItWhenEjected() {
    TestView view = new TestView("payments", 3);
    LoadBalancer lb = LoadBalancer.builder(view).policy(Policy.consistentHash())
        .outlierEjection(breakers(Duration.ofMinutes(1))).listener(listener).ticker(() -> 0L).build();
    ServiceInstance home;
    try (CallHandle call = lb.begin("user-7")) {
      home = call.instance();
      call.succeeded();
    }
    assertThat(lb.pick("user-7")).isEqualTo(home);

    Calls.failOn(lb, home, 4);

    try (CallHandle call = lb.begin("user-7")) {
      assertThat(call.instance()).as("the key's instance is ejected: the next one on the ring").isNotEqualTo(home);
      call.succeeded();
    }
    assertThat(events).contains("ejected " + home.host());
  }
}
