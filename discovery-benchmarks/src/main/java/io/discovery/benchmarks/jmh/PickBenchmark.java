package io.discovery.benchmarks.jmh;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import io.discovery.loadbalancer.CallHandle;
import io.discovery.loadbalancer.LoadBalancer;
import io.discovery.loadbalancer.Policy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One pick (and, for load-aware pickers, opening and closing the call) per operation, with 3, 10 and
 * 100 instances. Our pickers read the instance list from a real {@link ServiceView} snapshot on
 * every pick, as callers use them; peers are measured the way their users run them (see each
 * method). Run with {@code -t 1} and {@code -t 2} and {@code -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class PickBenchmark {

  /** Our balancers over a view of a real client on the in-JVM registry. */
  @State(Scope.Benchmark)
  public static class Ours {
    @Param({"3", "10", "100"})
    public int instances;

    DiscoveryClient client;
    LoadBalancer roundRobin;
    LoadBalancer leastConnection;
    LoadBalancer leastConnectionExact;
    /** Calls held open for the whole trial, so least-connection compares real counts and an exact scan cannot stop early. */
    final List<CallHandle> held = new ArrayList<>();
    LoadBalancer peakEwma;
    LoadBalancer consistentHash;
    String[] keys;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      String registry = "memory://bench-" + System.nanoTime();
      client = DiscoveryClient.builder().registry(registry).withoutShutdownHook().build();
      for (int i = 0; i < instances; i++) {
        client.register(ServiceInstance.of("payments", host(i))).awaitRegistered(Duration.ofSeconds(5));
      }
      ServiceView view = client.service("payments");
      if (view.instances().size() != instances) {
        throw new IllegalStateException("expected " + instances + " instances, got " + view.instances().size());
      }
      roundRobin = LoadBalancer.roundRobin(view);
      leastConnection = LoadBalancer.leastConnection(view);
      leastConnectionExact = LoadBalancer.builder(view).policy(Policy.leastConnection(Integer.MAX_VALUE)).build();
      for (LoadBalancer lb : List.of(leastConnection, leastConnectionExact)) {
        for (int i = 0; i < 2 * instances; i++) {
          held.add(lb.begin());
        }
      }
      peakEwma = LoadBalancer.builder(view).policy(Policy.peakEwma()).build();
      consistentHash = LoadBalancer.builder(view).policy(Policy.consistentHash()).build();
      keys = new String[1024];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = "user-" + i;
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      held.forEach(CallHandle::close);
      client.close();
    }
  }

  /** The floors: the least work a round-robin or a power-of-two-choices pick can do. */
  @State(Scope.Benchmark)
  public static class Floor {
    @Param({"3", "10", "100"})
    public int instances;

    ServiceInstance[] array;
    final AtomicInteger next = new AtomicInteger();
    AtomicIntegerArray inFlight;

    @Setup(Level.Trial)
    public void setUp() {
      array = new ServiceInstance[instances];
      for (int i = 0; i < instances; i++) {
        array[i] = ServiceInstance.of("payments", host(i));
      }
      inFlight = new AtomicIntegerArray(instances);
    }
  }

  static String host(int i) {
    return "10.0." + (i / 250) + "." + (i % 250 + 1) + ":8080";
  }

  @Benchmark
  public ServiceInstance oursRoundRobin(Ours s) {
    return s.roundRobin.pick();
  }

  /** Least-connection as configured by default (exact up to 8 instances, two choices beyond), two calls in flight per instance. */
  @Benchmark
  public ServiceInstance oursLeastConnection(Ours s) {
    try (CallHandle call = s.leastConnection.begin()) {
      return call.instance();
    }
  }

  /**
   * Least-connection scanning every instance (the O(n) way Ribbon's BestAvailable and Dubbo's
   * LeastActive choose), with two calls in flight per instance: the like-for-like row for them.
   */
  @Benchmark
  public ServiceInstance oursLeastConnectionExactScan(Ours s) {
    try (CallHandle call = s.leastConnectionExact.begin()) {
      return call.instance();
    }
  }

  @Benchmark
  public ServiceInstance oursPeakEwma(Ours s) {
    try (CallHandle call = s.peakEwma.begin()) {
      call.succeeded();
      return call.instance();
    }
  }

  @Benchmark
  public ServiceInstance oursConsistentHash(Ours s) {
    return s.consistentHash.pick(s.keys[ThreadLocalRandom.current().nextInt(1024)]);
  }

  /** An immutable array and one shared counter. */
  @Benchmark
  public ServiceInstance floorRoundRobin(Floor f) {
    ServiceInstance[] a = f.array;
    return a[(f.next.getAndIncrement() & Integer.MAX_VALUE) % a.length];
  }

  /**
   * Two distinct random slots of an AtomicIntegerArray of in-flight counts (as ours draws them),
   * increment on the chosen, decrement after.
   */
  @Benchmark
  public ServiceInstance floorPowerOfTwoChoices(Floor f) {
    int n = f.array.length;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int a = random.nextInt(n);
    int b = random.nextInt(n - 1);
    b = b >= a ? b + 1 : b;
    int chosen = f.inFlight.get(b) < f.inFlight.get(a) ? b : a;
    f.inFlight.incrementAndGet(chosen);
    ServiceInstance instance = f.array[chosen];
    f.inFlight.decrementAndGet(chosen);
    return instance;
  }

  /** Lists the instances of an n-instance fixture as plain (host, port) pairs for peers. */
  static List<String[]> hostPorts(int n) {
    List<String[]> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(host(i).split(":"));
    }
    return list;
  }
}
