package io.discovery.benchmarks.jmh;

import com.netflix.loadbalancer.BaseLoadBalancer;
import com.netflix.loadbalancer.BestAvailableRule;
import com.netflix.loadbalancer.RoundRobinRule;
import com.netflix.loadbalancer.Server;
import com.netflix.loadbalancer.ServerStats;
import io.discovery.testing.zookeeper.EmbeddedZooKeeper;
import io.smallrye.stork.impl.ServiceInstanceWithStatGathering;
import io.smallrye.stork.loadbalancer.poweroftwochoices.PowerOfTwoChoicesConfiguration;
import io.smallrye.stork.loadbalancer.poweroftwochoices.PowerOfTwoChoicesLoadBalancerProvider;
import io.smallrye.stork.loadbalancer.requests.InflightRequestCollector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceProvider;
import org.apache.curator.x.discovery.strategies.RandomStrategy;
import org.apache.curator.x.discovery.strategies.RoundRobinStrategy;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.rpc.Invocation;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.Result;
import org.apache.dubbo.rpc.RpcInvocation;
import org.apache.dubbo.rpc.RpcStatus;
import org.apache.dubbo.rpc.cluster.loadbalance.LeastActiveLoadBalance;
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
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.ServiceInstanceListSuppliers;
import org.springframework.cloud.loadbalancer.support.SimpleObjectProvider;
import reactor.core.publisher.Mono;

/**
 * Peers' pickers over the same instance lists as {@link PickBenchmark}, each measured the way its
 * users run it; what one operation includes is said on each method.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class PeerPickBenchmark {

  /** Spring Cloud LoadBalancer's RoundRobinLoadBalancer over a fixed supplier. */
  @State(Scope.Benchmark)
  public static class Spring {
    @Param({"3", "10", "100"})
    public int instances;
    RoundRobinLoadBalancer roundRobin;

    @Setup(Level.Trial)
    public void setUp() {
      List<ServiceInstance> list = new ArrayList<>();
      int i = 0;
      for (String[] hp : PickBenchmark.hostPorts(instances)) {
        list.add(new DefaultServiceInstance("payments-" + i++, "payments", hp[0], Integer.parseInt(hp[1]), false));
      }
      ServiceInstanceListSupplier supplier = ServiceInstanceListSuppliers.from("payments", list.toArray(new ServiceInstance[0]));
      roundRobin = new RoundRobinLoadBalancer(new SimpleObjectProvider<>(supplier), "payments");
    }
  }

  /** Netflix Ribbon's rules over a BaseLoadBalancer holding the servers. */
  @State(Scope.Benchmark)
  public static class Ribbon {
    @Param({"3", "10", "100"})
    public int instances;
    BaseLoadBalancer balancer;
    RoundRobinRule roundRobin;
    BestAvailableRule bestAvailable;

    @Setup(Level.Trial)
    public void setUp() {
      balancer = new BaseLoadBalancer();
      List<Server> servers = new ArrayList<>();
      for (String[] hp : PickBenchmark.hostPorts(instances)) {
        servers.add(new Server(hp[0], Integer.parseInt(hp[1])));
      }
      balancer.addServers(servers);
      roundRobin = new RoundRobinRule(balancer);
      bestAvailable = new BestAvailableRule();
      bestAvailable.setLoadBalancer(balancer);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      balancer.shutdown();
    }
  }

  /** Curator's ServiceProvider, reading through its ServiceCache of a real (embedded) ZooKeeper. */
  @State(Scope.Benchmark)
  public static class Curator {
    @Param({"3", "10", "100"})
    public int instances;
    EmbeddedZooKeeper zooKeeper;
    CuratorFramework framework;
    ServiceDiscovery<Void> discovery;
    ServiceProvider<Void> roundRobin;
    ServiceProvider<Void> random;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      zooKeeper = EmbeddedZooKeeper.start(Duration.ofMillis(500));
      framework = CuratorFrameworkFactory.newClient(zooKeeper.connectString(), new RetryOneTime(100));
      framework.start();
      framework.blockUntilConnected(10, TimeUnit.SECONDS);
      discovery = ServiceDiscoveryBuilder.builder(Void.class).client(framework).basePath("/services").build();
      discovery.start();
      for (String[] hp : PickBenchmark.hostPorts(instances)) {
        discovery.registerService(org.apache.curator.x.discovery.ServiceInstance.<Void>builder()
            .name("payments").address(hp[0]).port(Integer.parseInt(hp[1])).build());
      }
      roundRobin = discovery.serviceProviderBuilder().serviceName("payments").providerStrategy(new RoundRobinStrategy<>()).build();
      random = discovery.serviceProviderBuilder().serviceName("payments").providerStrategy(new RandomStrategy<>()).build();
      roundRobin.start();
      random.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (roundRobin.getAllInstances().size() < instances && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(20); // benchmark setup, not a test
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      roundRobin.close();
      random.close();
      discovery.close();
      framework.close();
      zooKeeper.close();
    }
  }

  /** SmallRye Stork's power-of-two-choices with its in-flight request collector. */
  @State(Scope.Benchmark)
  public static class Stork {
    @Param({"3", "10", "100"})
    public int instances;
    io.smallrye.stork.api.LoadBalancer powerOfTwo;
    List<io.smallrye.stork.api.ServiceInstance> list;

    @Setup(Level.Trial)
    public void setUp() {
      InflightRequestCollector collector = new InflightRequestCollector();
      list = new ArrayList<>();
      long id = 0;
      for (String[] hp : PickBenchmark.hostPorts(instances)) {
        list.add(new ServiceInstanceWithStatGathering(new io.smallrye.stork.impl.DefaultServiceInstance(id++, hp[0], Integer.parseInt(hp[1]), false), collector));
      }
      powerOfTwo = new PowerOfTwoChoicesLoadBalancerProvider().createLoadBalancer(new PowerOfTwoChoicesConfiguration(), null);
    }
  }

  /** Apache Dubbo's LeastActiveLoadBalance over plain invokers, counting with RpcStatus as Dubbo's ActiveLimitFilter does. */
  @State(Scope.Benchmark)
  public static class Dubbo {
    @Param({"3", "10", "100"})
    public int instances;
    LeastActiveLoadBalance leastActive;
    List<Invoker<Object>> invokers;
    URL consumer;
    Invocation invocation;

    @Setup(Level.Trial)
    public void setUp() {
      leastActive = new LeastActiveLoadBalance();
      invokers = new ArrayList<>();
      for (String[] hp : PickBenchmark.hostPorts(instances)) {
        URL url = URL.valueOf("dubbo://" + hp[0] + ":" + hp[1] + "/com.acme.Payments");
        invokers.add(new FixedInvoker(url));
      }
      consumer = URL.valueOf("consumer://127.0.0.1/com.acme.Payments");
      invocation = new RpcInvocation("charge", "com.acme.Payments", "", new Class<?>[0], new Object[0]);
    }
  }

  /** An invoker that only carries its URL. */
  static final class FixedInvoker implements Invoker<Object> {
    private final URL url;

    FixedInvoker(URL url) {
      this.url = url;
    }

    @Override
    public Class<Object> getInterface() {
      return Object.class;
    }

    @Override
    public Result invoke(Invocation invocation) {
      throw new UnsupportedOperationException("benchmark invoker");
    }

    @Override
    public URL getUrl() {
      return url;
    }

    @Override
    public boolean isAvailable() {
      return true;
    }

    @Override
    public void destroy() {
    }
  }

  /** Spring: {@code choose()} resolved as BlockingLoadBalancerClient does ({@code Mono.block()}), supplier list included. */
  @Benchmark
  public ServiceInstance springRoundRobin(Spring s) {
    return Mono.from(s.roundRobin.choose()).block().getServer();
  }

  /** Ribbon: {@code RoundRobinRule.choose} over the balancer's reachable servers. */
  @Benchmark
  public Server ribbonRoundRobin(Ribbon r) {
    return r.roundRobin.choose(null);
  }

  /** Ribbon: {@code BestAvailableRule.choose}, then the active-request count up and down around the call. */
  @Benchmark
  public Server ribbonBestAvailable(Ribbon r) {
    Server server = r.bestAvailable.choose(null);
    ServerStats stats = r.balancer.getLoadBalancerStats().getSingleServerStat(server);
    stats.incrementActiveRequestsCount();
    stats.decrementActiveRequestsCount();
    return server;
  }

  /** Curator: {@code ServiceProvider.getInstance()} with RoundRobinStrategy, through the provider's ServiceCache. */
  @Benchmark
  public Object curatorRoundRobin(Curator c) throws Exception {
    return c.roundRobin.getInstance();
  }

  /** Curator: {@code ServiceProvider.getInstance()} with RandomStrategy, through the provider's ServiceCache. */
  @Benchmark
  public Object curatorRandom(Curator c) throws Exception {
    return c.random.getInstance();
  }

  /** Stork: {@code selectServiceInstance} with power-of-two-choices, then recordStart/recordEnd on the chosen instance. */
  @Benchmark
  public Object storkPowerOfTwoChoices(Stork s) {
    io.smallrye.stork.api.ServiceInstance chosen = s.powerOfTwo.selectServiceInstance(s.list);
    chosen.recordStart(false);
    chosen.recordEnd(null);
    return chosen;
  }

  /** Dubbo: {@code LeastActiveLoadBalance.select}, then RpcStatus begin/end count for the method. */
  @Benchmark
  public Object dubboLeastActive(Dubbo d) {
    Invoker<Object> chosen = d.leastActive.select(d.invokers, d.consumer, d.invocation);
    RpcStatus.beginCount(chosen.getUrl(), "charge");
    RpcStatus.endCount(chosen.getUrl(), "charge", 0, true);
    return chosen;
  }
}
