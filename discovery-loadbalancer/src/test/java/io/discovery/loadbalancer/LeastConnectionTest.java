package io.discovery.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.discovery.client.NoInstancesException;
import io.discovery.client.ServiceInstance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeastConnectionTest {

  @Test
  void picksTheInstanceWithTheFewestCallsInFlight() {
    TestView view = new TestView("payments", 3);
    LoadBalancer lb = LoadBalancer.leastConnection(view);
    List<ServiceInstance> all = view.instances();
    List<CallHandle> open = new ArrayList<>();
    // Load two instances with 2 calls each, by opening calls until the counts are 2/2/2, then close two on one.
    for (int i = 0; i < 6; i++) {
      open.add(lb.begin());
    }
    Map<ServiceInstance, Long> perInstance = new HashMap<>();
    open.forEach(c -> perInstance.merge(c.instance(), 1L, Long::sum));
    assertThat(perInstance.values()).as("least-connection levels the load").containsOnly(2L);

    ServiceInstance relieved = all.get(1);
    open.stream().filter(c -> c.instance().equals(relieved)).forEach(CallHandle::close);

    for (int i = 0; i < 20; i++) {
      assertThat(lb.pick()).isEqualTo(relieved);
    }
    CallHandle next = lb.begin();
    assertThat(next.instance()).isEqualTo(relieved);
    next.close();
  }

  @Test
  void tiesAreBrokenAtRandomNotByListOrder() {
    TestView view = new TestView("payments", 4);
    LoadBalancer lb = LoadBalancer.leastConnection(view);
    Map<ServiceInstance, Integer> counts = new HashMap<>();
    for (int i = 0; i < 4000; i++) {
      counts.merge(lb.pick(), 1, Integer::sum);
    }
    assertThat(counts).hasSize(4);
    assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(700, 1300));
  }

  @Test
  void closingAHandleTwiceCountsOnce() {
    TestView view = new TestView("payments", 1);
    DefaultLoadBalancer lb = (DefaultLoadBalancer) LoadBalancer.leastConnection(view);
    CallHandle a = lb.begin();
    CallHandle b = lb.begin();
    a.close();
    a.close();
    assertThat(lb.inFlight(b.instance())).isEqualTo(1);
    b.close();
    assertThat(lb.inFlight(b.instance())).isZero();
  }

  @Test
  void inFlightCountsSurviveSnapshotChangesForInstancesThatStay() {
    TestView view = new TestView("payments", 2);
    DefaultLoadBalancer lb = (DefaultLoadBalancer) LoadBalancer.leastConnection(view);
    ServiceInstance stays = view.instances().get(0);
    ServiceInstance leaves = view.instances().get(1);
    List<CallHandle> busy = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      busy.add(lb.begin());
    }
    assertThat(lb.inFlight(stays)).isEqualTo(2);

    ServiceInstance added = TestView.instances("payments", 5, 1).get(0);
    view.set(List.of(stays, added));

    assertThat(lb.pick()).as("the new instance has no calls in flight").isEqualTo(added);
    assertThat(lb.inFlight(stays)).isEqualTo(2);
    assertThat(lb.inFlight(leaves)).as("a removed instance is forgotten").isZero();
    for (int i = 0; i < 10; i++) {
      assertThat(lb.pick()).isNotEqualTo(leaves);
    }
    busy.forEach(CallHandle::close);
    assertThat(lb.inFlight(stays)).isZero();
  }

  @Test
  void largeSetsUseTwoRandomChoicesAndStillAvoidBusyInstances() {
    TestView view = new TestView("payments", 100);
    DefaultLoadBalancer lb = (DefaultLoadBalancer) LoadBalancer.leastConnection(view);
    List<CallHandle> open = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      open.add(lb.begin());
    }
    ServiceInstance hot = open.get(0).instance();
    List<CallHandle> held = open.stream().filter(c -> c.instance().equals(hot)).toList();
    open.stream().filter(c -> !c.instance().equals(hot)).forEach(CallHandle::close);
    assertThat(lb.inFlight(hot)).isEqualTo(held.size()).isPositive();

    int hits = 0;
    for (int i = 0; i < 10_000; i++) {
      if (lb.pick().equals(hot)) {
        hits++;
      }
    }
    // Uniform picking would give about 100 hits; two distinct choices never prefer the only busy instance.
    assertThat(hits).isZero();
    held.forEach(CallHandle::close);
  }

  @Test
  void anEmptyViewIsATypedErrorNamingTheService() {
    LoadBalancer lb = LoadBalancer.leastConnection(new TestView("orders", 0));
    assertThatThrownBy(lb::begin)
        .isInstanceOf(NoInstancesException.class)
        .hasMessage("no instances of 'orders' are registered");
  }
}
