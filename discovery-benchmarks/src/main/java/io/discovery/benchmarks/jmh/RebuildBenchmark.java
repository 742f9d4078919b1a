package io.discovery.benchmarks.jmh;

import io.discovery.benchmarks.SettableView;
import io.discovery.client.ServiceInstance;
import io.discovery.client.Snapshot;
import io.discovery.loadbalancer.LoadBalancer;
import io.discovery.loadbalancer.Policy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one view change costs a balancer: a snapshot in which one instance was replaced is
 * published, and the balancer builds its next picker on the publishing thread (picks meanwhile use
 * the previous one). Weights are random from 1 to {@link ServiceInstance#MAX_WEIGHT}, the worst
 * case for weighted round-robin's cycle and the hash ring. Target: under 5 ms at 1,000 instances.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class RebuildBenchmark {
  @Param({"100", "500", "1000"})
  public int instances;

  @Param({"round-robin", "weighted-round-robin", "random", "weighted-random", "least-connection", "peak-ewma",
      "consistent-hash"})
  public String policy;

  private SettableView view;
  private Snapshot a;
  private Snapshot b;
  private boolean flip;
  LoadBalancer balancer;

  @Setup(Level.Trial)
  public void setUp() {
    Random random = new Random(42);
    List<ServiceInstance> list = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      list.add(ServiceInstance.builder("payments", "10.0." + (i / 250) + "." + (i % 250 + 1) + ":8080")
          .weight(1 + random.nextInt(ServiceInstance.MAX_WEIGHT)).build());
    }
    a = new Snapshot("payments", list, 1, Instant.EPOCH, false);
    List<ServiceInstance> changed = new ArrayList<>(list);
    changed.set(instances / 2, ServiceInstance.builder("payments", "10.9.9.9:8080")
        .weight(1 + random.nextInt(ServiceInstance.MAX_WEIGHT)).build());
    b = new Snapshot("payments", changed, 2, Instant.EPOCH, false);
    view = new SettableView(a);
    balancer = LoadBalancer.builder(view).policy(Policy.named(policy)).build();
  }

  @Benchmark
  public ServiceInstance rebuild() {
    flip = !flip;
    view.publish(flip ? b : a);
    return balancer.pick();
  }
}
