package io.discovery.examples;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.NoInstancesException;
import io.discovery.client.ServiceView;
import io.discovery.loadbalancer.CallHandle;
import io.discovery.loadbalancer.LoadBalancer;
import io.discovery.zookeeper.EmbeddedZooKeeper;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** The single roles of the demo jar, for trying it across several terminals against one registry. */
final class Roles {
  /** What a service prints once registered: {@code <service> registered at <host:port> ...}. */
  static final String REGISTERED = " registered at ";

  private Roles() {
  }

  /** {@code service <name> --port N --registry URI [--ttl S]}: serve and stay registered until Ctrl-C. */
  static int service(Args args) throws Exception {
    args.allow("port", "registry", "ttl");
    String service = args.requireService();
    String registry = Demo.registry(args);
    PaymentsService instance = new PaymentsService(service, registry, args.intOption("port", 0), args.seconds("ttl", 10));
    if (!instance.registration().awaitRegistered(Demo.REGISTRY_TIMEOUT)) {
      return Demo.fail("could not register in " + registry + " within " + Demo.REGISTRY_TIMEOUT.toSeconds() + " s: is the registry running?");
    }
    System.out.println(service + REGISTERED + instance.address() + " in " + registry + " (Ctrl-C deregisters and stops)");
    System.out.flush();
    Thread.currentThread().join();
    return 0;
  }

  /** {@code call <name> --registry URI [--policy round-robin|least-connection] [--requests N]}: 20 requests a second, a line a second. */
  static int call(Args args) throws Exception {
    args.allow("registry", "policy", "requests");
    String service = args.requireService();
    String registry = Demo.registry(args);
    String policy = args.option("policy", "round-robin");
    int limit = args.intOption("requests", 0);
    try (DiscoveryClient discovery = Demo.client(registry); Checkout checkout = new Checkout()) {
      ServiceView view = discovery.service(service);
      if (view.snapshot().stale()) {
        return Demo.fail("registry " + registry + " did not answer within " + Demo.REGISTRY_TIMEOUT.toSeconds() + " s");
      }
      LoadBalancer lb = switch (policy) {
        case "round-robin" -> LoadBalancer.roundRobin(view);
        case "least-connection" -> LoadBalancer.leastConnection(view);
        default -> throw new Args.UsageException("--policy must be round-robin or least-connection, got '" + policy + "'");
      };
      System.out.println("calling '" + service + "' (" + policy + ") through " + registry + "; Ctrl-C to stop");
      Map<String, Integer> second = new TreeMap<>();
      long nextLine = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      for (int sent = 0; limit == 0 || sent < limit; sent++) {
        try (CallHandle call = lb.begin()) {
          second.merge(call.instance().hostPort() + (checkout.get(call.instance()) ? "" : " FAILED"), 1, Integer::sum);
        } catch (NoInstancesException e) {
          second.merge(e.getMessage(), 1, Integer::sum);
        }
        if (System.nanoTime() >= nextLine) {
          System.out.println(Demo.elapsed() + " " + view.instances().size() + " instance(s)" + (view.snapshot().stale() ? " (stale)" : "")
              + ", last second: " + second);
          second.clear();
          nextLine += TimeUnit.SECONDS.toNanos(1);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
      return 0;
    }
  }

  /** {@code registry [--port 2181]}: an embedded ZooKeeper for the other roles, until Ctrl-C. */
  static int registry(Args args) throws Exception {
    args.allow("port");
    EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(args.intOption("port", 2181), Duration.ofMillis(250));
    Runtime.getRuntime().addShutdownHook(new Thread(zk::close, "embedded-zookeeper-stop"));
    System.out.println("embedded ZooKeeper at " + zk.uri() + " (Ctrl-C to stop)");
    Thread.currentThread().join();
    return 0;
  }
}
