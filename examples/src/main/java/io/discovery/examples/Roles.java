package io.discovery.examples;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.ServiceView;
import io.discovery.loadbalancer.DiscoveryInterceptor;
import io.discovery.loadbalancer.LoadBalancer;
import io.discovery.loadbalancer.Policy;
import java.io.IOException;
import io.discovery.testing.zookeeper.EmbeddedZooKeeper;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

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

  /**
   * {@code call <name> --registry URI [--policy round-robin|least-connection] [--requests N]}: 20
   * requests a second to {@code http://<name>/charge} through the OkHttp interceptor (outlier
   * ejection, a refused connection retried on another instance), a line a second.
   */
  static int call(Args args) throws Exception {
    args.allow("registry", "policy", "requests");
    String service = args.requireService();
    String registry = Demo.registry(args);
    String policy = args.option("policy", "round-robin");
    int limit = args.intOption("requests", 0);
    Policy chosen = switch (policy) {
      case "round-robin" -> Policy.roundRobin();
      case "least-connection" -> Policy.leastConnection();
      default -> throw new Args.UsageException("--policy must be round-robin or least-connection, got '" + policy + "'");
    };
    try (DiscoveryClient discovery = Demo.client(registry)) {
      ServiceView view = discovery.service(service);
      if (view.snapshot().stale()) {
        return Demo.fail("registry " + registry + " did not answer within " + Demo.REGISTRY_TIMEOUT.toSeconds() + " s");
      }
      OkHttpClient http = new OkHttpClient.Builder().callTimeout(5, TimeUnit.SECONDS)
          .addInterceptor(DiscoveryInterceptor.builder(discovery)
              .balancer(v -> LoadBalancer.builder(v).policy(chosen).outlierEjection().build()).build())
          .build();
      System.out.println("calling http://" + service + "/charge (" + policy + ", through the interceptor) via " + registry
          + "; Ctrl-C to stop");
      Map<String, Integer> second = new TreeMap<>();
      int failures = 0;
      long nextLine = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      for (int sent = 0; limit == 0 || sent < limit; sent++) {
        try (Response response = http.newCall(new Request.Builder().url("http://" + service + "/charge").build()).execute()) {
          HttpUrl served = response.request().url();
          second.merge(served.host() + ":" + served.port() + (response.isSuccessful() ? "" : " HTTP " + response.code()), 1,
              Integer::sum);
          failures += response.isSuccessful() ? 0 : 1;
        } catch (IOException e) {
          second.merge("FAILED: " + e.getMessage(), 1, Integer::sum);
          failures++;
        }
        if (System.nanoTime() >= nextLine) {
          System.out.println(Demo.elapsed() + " " + view.instances().size() + " instance(s)" + (view.snapshot().stale() ? " (stale)" : "")
              + ", last second: " + second + ", failed so far: " + failures);
          second.clear();
          nextLine += TimeUnit.SECONDS.toNanos(1);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
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
