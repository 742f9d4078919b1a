package io.discovery.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.discovery.client.ServiceInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PoliciesTest {

  private static List<ServiceInstance> weighted(int... weights) {
    List<ServiceInstance> list = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      list.add(ServiceInstance.builder("payments", "10.0.0." + (i + 1) + ":80").weight(weights[i]).build());
    }
    return list;
  }

  private static Map<String, Integer> count(LoadBalancer lb, int picks) {
    return Calls.countByHost(lb, picks);
  }

  @Test
  void smoothWeightedRoundRobinGivesExactSharesWithoutBursts() {
    TestView view = new TestView("payments", 0);
    view.set(weighted(5, 1, 1));
    LoadBalancer lb = LoadBalancer.builder(view).policy(Policy.weightedRoundRobin()).build();

    List<String> order = new ArrayList<>();
    for (int i = 0; i < 700; i++) {
      order.add(lb.pick().host());
    }
    assertThat(order.stream().filter("10.0.0.1"::equals).count()).isEqualTo(500);
    assertThat(order.stream().filter("10.0.0.2"::equals).count()).isEqualTo(100);
    int longestRun = 0;
    for (int i = 0, run = 0; i < order.size(); i++) {
      run = i > 0 && order.get(i).equals(order.get(i - 1)) ? run + 1 : 1;
      longestRun = Math.max(longestRun, run);
    }
    // nginx's cycle for 5:1:1 is a a b a c a a: at most 2 in a row inside a cycle, 4 across the seam
    // of two cycles; a plain weighted round-robin sends the heavy instance 5 in a row every cycle.
    assertThat(longestRun).isLessThanOrEqualTo(4);
    assertThat(Policy.smoothOrder(new int[] {5, 1, 1})).containsExactly(0, 0, 1, 0, 2, 0, 0);
  }

  @Test
  void smoothOrderScalesHugeWeightsToABoundedCycle() {
    int[] order = Policy.smoothOrder(new int[] {1_000_000, 999_999, 3});
    assertThat(order.length).isLessThanOrEqualTo(65_536);
    long first = java.util.Arrays.stream(order).filter(i -> i == 0).count();
    assertThat((double) first / order.length).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void weightedRandomFollowsTheWeights() {
    TestView view = new TestView("payments", 0);
    view.set(weighted(3, 1));
    Map<String, Integer> counts = count(LoadBalancer.builder(view).policy(Policy.weightedRandom()).build(), 40_000);
    assertThat(counts.get("10.0.0.1") / 40_000.0).isBetween(0.72, 0.78);
  }

  @Test
  void randomSpreadsEvenly() {
    Map<String, Integer> counts = count(LoadBalancer.builder(new TestView("payments", 4)).policy(Policy.random()).build(), 40_000);
    assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(9_000, 11_000));
  }

  @Test
  void peakEwmaAvoidsTheInstanceThatAnsweredSlowlyAndTriesItAgainAfterTheDecay() {
    AtomicLong now = new AtomicLong(1_000_000_000L);
    TestView view = new TestView("payments", 3);
    DefaultLoadBalancer lb = (DefaultLoadBalancer) LoadBalancer.builder(view).policy(Policy.peakEwma(Duration.ofSeconds(1)))
        .ticker(now::get).build();
    ServiceInstance slow = view.instances().get(0);
    // Teach it: every instance answers in 1 ms, except one in 500 ms.
    for (int round = 0; round < 50; round++) {
      for (int i = 0; i < 3; i++) {
        CallHandle call = lb.begin();
        now.addAndGet(call.instance().equals(slow) ? 500_000_000L : 1_000_000L);
        call.succeeded();
        call.close();
      }
    }
    int slowPicks = 0;
    for (int i = 0; i < 3000; i++) {
      if (lb.pick().equals(slow)) {
        slowPicks++;
      }
    }
    assertThat(slowPicks).as("the slow instance wins only when drawn with itself: never, choices are distinct").isZero();

    // Keep serving from the fast instances: their estimates stay near 1 ms while the slow one's,
    // with no new samples, decays (by e every second): below 1 ms after about ln(500) = 6.2 s.
    long retriedAfter = -1;
    for (int step = 1; step <= 300 && retriedAfter < 0; step++) {
      now.addAndGet(Duration.ofMillis(100).toNanos());
      CallHandle call = lb.begin();
      if (call.instance().equals(slow)) {
        retriedAfter = step * 100L;
      } else {
        now.addAndGet(1_000_000L);
      }
      call.succeeded();
      call.close();
    }
    assertThat(retriedAfter).as("ms until the slow instance is tried again").isBetween(4_000L, 12_000L);
  }

  @Test
  void consistentHashKeepsKeysAndMovesAboutOneNthWhenAnInstanceIsAdded() {
    TestView view = new TestView("payments", 10);
    LoadBalancer lb = LoadBalancer.builder(view).policy(Policy.consistentHash()).build();
    int keys = 20_000;
    Map<String, ServiceInstance> before = new HashMap<>();
    for (int k = 0; k < keys; k++) {
      before.put("user-" + k, lb.pick("user-" + k));
    }
    assertThat(lb.pick("user-42")).isEqualTo(before.get("user-42"));

    List<ServiceInstance> eleven = new ArrayList<>(view.instances());
    ServiceInstance added = TestView.instances("payments", 10, 1).get(0);
    eleven.add(added);
    view.set(eleven);
    int moved = 0;
    for (int k = 0; k < keys; k++) {
      ServiceInstance now = lb.pick("user-" + k);
      if (!now.equals(before.get("user-" + k))) {
        moved++;
        assertThat(now).as("a key only moves to the new instance").isEqualTo(added);
      }
    }
    assertThat((double) moved / keys).as("about 1/11 of the keys move").isBetween(0.5 / 11, 1.5 / 11);

    view.set(eleven.subList(1, 11));
    int movedOnRemoval = 0;
    for (int k = 0; k < keys; k++) {
      if (!lb.pick("user-" + k).equals(before.get("user-" + k)) && !before.get("user-" + k).equals(eleven.get(0))) {
        movedOnRemoval++;
      }
    }
    assertThat((double) movedOnRemoval / keys).as("removing one moves its keys and the new one's back, little else")
        .isLessThan(1.5 / 11);
  }

  @Test
  void zonePreferenceStaysLocalAndSpillsWhenTheLocalZoneHasTooFewInstances() {
    TestView view = new TestView("payments", 0);
    List<ServiceInstance> instances = List.of(
        ServiceInstance.builder("payments", "10.0.0.1:80").zone("a").build(),
        ServiceInstance.builder("payments", "10.0.0.2:80").zone("b").build(),
        ServiceInstance.builder("payments", "10.0.0.3:80").zone("b").build());
    view.set(instances);
    LoadBalancer local = LoadBalancer.builder(view).policy(Policy.roundRobin()).preferZone("a").build();
    assertThat(count(local, 300)).containsOnlyKeys("10.0.0.1");

    LoadBalancer needsTwo = LoadBalancer.builder(view).policy(Policy.roundRobin()).preferZone("a", 2).build();
    assertThat(count(needsTwo, 300)).containsOnlyKeys("10.0.0.1", "10.0.0.2", "10.0.0.3");

    view.set(instances.subList(1, 3)); // the local zone is gone
    assertThat(count(local, 300)).containsOnlyKeys("10.0.0.2", "10.0.0.3");
  }

  @Test
  void slowStartRampsANewInstancesShareOverTheWindow() {
    AtomicLong now = new AtomicLong(5_000_000_000L);
    TestView view = new TestView("payments", 3);
    LoadBalancer lb = LoadBalancer.builder(view).policy(Policy.roundRobin()).slowStart(Duration.ofSeconds(60))
        .ticker(now::get).build();
    assertThat(count(lb, 3000).values()).as("instances present at the start are warm").containsOnly(1000);

    List<ServiceInstance> four = new ArrayList<>(view.instances());
    ServiceInstance fresh = TestView.instances("payments", 3, 1).get(0);
    four.add(fresh);
    view.set(four);
    double atStart = count(lb, 40_000).getOrDefault(fresh.host(), 0) / 40_000.0;
    now.addAndGet(Duration.ofSeconds(30).toNanos());
    double halfway = count(lb, 40_000).getOrDefault(fresh.host(), 0) / 40_000.0;
    now.addAndGet(Duration.ofSeconds(31).toNanos());
    double warm = count(lb, 40_000).getOrDefault(fresh.host(), 0) / 40_000.0;

    assertThat(atStart).as("about 10% of a full share at first").isLessThan(0.08);
    assertThat(halfway).isBetween(atStart + 0.03, warm - 0.03);
    assertThat(warm).as("a full quarter once warm").isBetween(0.23, 0.27);
  }

  @Test
  void invalidPolicySettingsAreRefusedNamingTheValue() {
    assertThatThrownBy(() -> Policy.consistentHash(0)).hasMessageContaining("invalid virtual node count 0");
    assertThatThrownBy(() -> Policy.peakEwma(Duration.ZERO)).hasMessageContaining("invalid peak-EWMA decay PT0S");
    assertThatThrownBy(() -> LoadBalancer.builder(new TestView("p", 1)).panicWhenEjectedAbove(1.5)).hasMessageContaining("invalid panic share 1.5");
  }
}
