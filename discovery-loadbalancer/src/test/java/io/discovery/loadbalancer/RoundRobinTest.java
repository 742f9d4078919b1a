package io.discovery.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.discovery.client.NoInstancesException;
import io.discovery.client.ServiceInstance;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundRobinTest {

  @Test
  void nTimesKPicksGiveEachInstanceExactlyK() {
    for (int n : new int[] {1, 2, 3, 7, 10}) {
      TestView view = new TestView("payments", n);
      LoadBalancer lb = LoadBalancer.roundRobin(view);
      Map<ServiceInstance, Integer> counts = new HashMap<>();
      for (int i = 0; i < n * 1000; i++) {
        counts.merge(lb.pick(), 1, Integer::sum);
      }
      assertThat(counts).hasSize(n);
      assertThat(counts.values()).as("n=%d", n).containsOnly(1000);
    }
  }

  @Test
  void consecutivePicksVisitEveryInstanceBeforeRepeating() {
    TestView view = new TestView("payments", 5);
    LoadBalancer lb = LoadBalancer.roundRobin(view);
    List<ServiceInstance> instances = view.instances();
    int first = instances.indexOf(lb.pick());
    for (int i = 1; i < 12; i++) {
      assertThat(lb.pick()).isEqualTo(instances.get((first + i) % 5));
    }
  }

  @Test
  void startsAtARandomInstance() {
    TestView view = new TestView("payments", 10);
    java.util.Set<ServiceInstance> firsts = new java.util.HashSet<>();
    for (int i = 0; i < 200; i++) {
      firsts.add(LoadBalancer.roundRobin(view).pick());
    }
    assertThat(firsts).as("200 new balancers do not all start at the first instance").hasSizeGreaterThan(5);
  }

  @Test
  void followsSnapshotChanges() {
    TestView view = new TestView("payments", 2);
    LoadBalancer lb = LoadBalancer.roundRobin(view);
    List<ServiceInstance> three = TestView.instances("payments", 1, 3);
    view.set(three);

    Map<ServiceInstance, Integer> counts = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      counts.merge(lb.begin().instance(), 1, Integer::sum);
    }
    assertThat(counts).containsOnlyKeys(three);
    assertThat(counts.values()).containsOnly(100);
  }

  @Test
  void anEmptyViewIsATypedErrorNamingTheService() {
    TestView view = new TestView("payments", 0);
    LoadBalancer lb = LoadBalancer.roundRobin(view);
    assertThatThrownBy(lb::pick)
        .isInstanceOf(NoInstancesException.class)
        .hasMessage("no instances of 'payments' are registered");
    view.staleEmpty();
    assertThatThrownBy(lb::begin)
        .isInstanceOf(NoInstancesException.class)
        .hasMessageContaining("the registry is unreachable")
        .extracting(e -> ((NoInstancesException) e).service()).isEqualTo("payments");
  }
}
