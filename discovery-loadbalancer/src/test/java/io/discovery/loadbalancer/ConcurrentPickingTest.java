package io.discovery.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.discovery.client.ServiceInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Several threads picking while another swaps snapshots: no exception, and the counts add up. */
class ConcurrentPickingTest {

  @ParameterizedTest
  @ValueSource(strings = {"roundRobin", "leastConnection"})
  void picksStayValidWhileTheSnapshotChanges(String policy) throws Exception {
    TestView view = new TestView("payments", 6);
    LoadBalancer lb = policy.equals("roundRobin") ? LoadBalancer.roundRobin(view) : LoadBalancer.leastConnection(view);
    // Every snapshot draws from these 12 instances; a pick must be one of the snapshot's at some moment.
    List<ServiceInstance> universe = TestView.instances("payments", 0, 12);
    Set<String> ids = universe.stream().map(ServiceInstance::id).collect(Collectors.toSet());
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong picks = new AtomicLong();
    int threads = 3;
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    try {
      List<CompletableFuture<Long>> pickers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        pickers.add(CompletableFuture.supplyAsync(() -> {
          long mine = 0;
          while (!stop.get()) {
            try (CallHandle call = lb.begin()) {
              assertThat(ids).contains(call.instance().id());
            }
            assertThat(ids).contains(lb.pick().id());
            mine += 2;
          }
          return mine;
        }, pool));
      }
      CompletableFuture<Void> swapper = CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 20_000; i++) {
          int from = i % 7;
          view.set(universe.subList(from, from + 1 + i % 6));
        }
        stop.set(true);
      }, pool);
      swapper.get(60, TimeUnit.SECONDS);
      for (CompletableFuture<Long> f : pickers) {
        picks.addAndGet(f.get(10, TimeUnit.SECONDS));
      }
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
    assertThat(picks.get()).isPositive();
    if (lb instanceof DefaultLoadBalancer lc) {
      for (ServiceInstance instance : universe) {
        assertThat(lc.inFlight(instance)).as("every call closed, so nothing is in flight").isZero();
      }
    }
  }
}
