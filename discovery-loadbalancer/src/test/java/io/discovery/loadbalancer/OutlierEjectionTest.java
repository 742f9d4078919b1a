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
}
