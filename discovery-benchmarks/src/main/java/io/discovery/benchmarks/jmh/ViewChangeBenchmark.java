package io.discovery.benchmarks.jmh;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.ServiceInstance;
import io.discovery.client.spi.Lease;
import io.discovery.client.spi.RegistryBackend;
import io.discovery.client.spi.WatchHandle;
import io.discovery.client.spi.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one registry change costs a view (no balancer attached): one instance moves, delivered as
 * the change alone ({@code change}, what etcd and ZooKeeper watches send now) or as the whole list
 * ({@code fullList}, what every backend sent before and Consul's blocking queries still do: the
 * backend copies its list, the view sorts it and compares it with the last).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ViewChangeBenchmark {
  @Param({"200", "2100"})
  public int instances;

  private final CapturingBackend backend = new CapturingBackend();
  private DiscoveryClient client;
  private List<ServiceInstance> list;
  private ServiceInstance[] moved;
  private long revision = 1;
  private int flip;

  @Setup(Level.Trial)
  public void setUp() {
    list = new ArrayList<>();
    for (int i = 0; i < instances; i++) {
      list.add(ServiceInstance.of("payments", "10.0." + (i / 250) + "." + (i % 250 + 1) + ":8080"));
    }
    ServiceInstance middle = list.get(instances / 2);
    moved = new ServiceInstance[] {ServiceInstance.builder("payments", "10.9.9.9:8080").id(middle.id()).build(), middle};
    client = DiscoveryClient.builder().backend(backend).withoutLogging().withoutProtection().withoutShutdownHook()
        .initialLoadTimeout(Duration.ZERO).build();
    client.service("payments", Duration.ZERO);
    backend.listener.onInstances(list, revision);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    client.close();
  }

  @Benchmark
  public void change() {
    backend.listener.onChanges(List.of(moved[flip ^= 1]), List.of(), ++revision);
  }

  @Benchmark
  public void fullList() {
    List<ServiceInstance> next = new ArrayList<>(list);
    next.set(instances / 2, moved[flip ^= 1]);
    backend.listener.onInstances(next, ++revision);
  }

  /** Holds the view's watch listener; registers nothing. */
  static final class CapturingBackend implements RegistryBackend {
    volatile WatchListener listener;

    @Override
    public Lease register(ServiceInstance instance, Duration ttl) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void renew(Lease lease) {
    }

    @Override
    public void deregister(Lease lease) {
    }

    @Override
    public WatchHandle watch(String service, WatchListener listener) {
      this.listener = listener;
      return () -> { };
    }

    @Override
    public void close() {
    }
  }
}
