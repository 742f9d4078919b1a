package io.discovery.examples;

import static io.discovery.examples.Demo.say;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import io.discovery.loadbalancer.LoadBalancer;
import io.discovery.testing.zookeeper.EmbeddedZooKeeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The whole demo as a timeline: three payments instances (each a JVM of its own) register; checkout
 * resolves them and sends requests with round-robin, then with least-connection while one instance
 * is slow; one instance is killed (no deregistration), another stopped gracefully, and checkout's
 * view shows how long each removal took to reach it.
 */
final class Timeline {
  /** TTL (etcd lease, ZooKeeper session timeout) of the demo's instances: a killed one is gone after about this long. */
  static final Duration INSTANCE_TTL = Duration.ofSeconds(3);

  private Timeline() {
  }

  /** Runs the demo on {@code registry}, or on an embedded ZooKeeper when it is null; returns the exit code. */
  static int run(String registry) throws Exception {
    EmbeddedZooKeeper embedded = null;
    List<ServiceProcess> instances = new ArrayList<>();
    try {
      if (registry == null) {
        embedded = EmbeddedZooKeeper.start(Duration.ofMillis(250));
        registry = embedded.uri() + "/services";
        say("started an embedded ZooKeeper: " + registry);
      } else {
        say("registry: " + registry);
      }
      try (DiscoveryClient caller = Demo.client(registry); Checkout checkout = new Checkout()) {
        ServiceView view = caller.service("payments");
        if (view.snapshot().stale()) {
          return Demo.fail("registry " + registry + " did not answer within " + Demo.REGISTRY_TIMEOUT.toSeconds() + " s");
        }
        String target = registry;
        List<CompletableFuture<ServiceProcess>> starting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          starting.add(CompletableFuture.supplyAsync(() -> start(target)));
        }
        for (CompletableFuture<ServiceProcess> s : starting) {
          instances.add(s.join());
        }
        for (int i = 0; i < instances.size(); i++) {
          say("payments instance " + (i + 1) + " (its own JVM) registered at " + instances.get(i).address());
        }
        Views.awaitSize(view, 3);
        say("checkout resolved 'payments': " + view.instances().stream().map(ServiceInstance::hostPort).toList());

        say("round-robin, 300 requests:         " + checkout.run(LoadBalancer.roundRobin(view), 300, 1).summary());
        ServiceProcess slow = instances.get(0);
        checkout.slowDown(slow.address(), 25);
        say("instance " + slow.address() + " now takes 25 ms more per request");
        say("round-robin, 480 requests x8:      " + checkout.run(LoadBalancer.roundRobin(view), 480, 8).summary());
        say("least-connection, 480 requests x8: " + checkout.run(LoadBalancer.leastConnection(view), 480, 8).summary());
        checkout.slowDown(slow.address(), 0);

        ServiceProcess killed = instances.get(2);
        long abruptMillis = Views.timeToLeave(view, killed.address(), killed::kill);
        say("instance " + killed.address() + " killed (SIGKILL, no deregistration): checkout stopped seeing it after "
            + abruptMillis + " ms (its TTL is " + INSTANCE_TTL.toSeconds() + " s)");
        ServiceProcess stopped = instances.get(1);
        long gracefulMillis = Views.timeToLeave(view, stopped.address(), stopped::terminate);
        say("instance " + stopped.address() + " stopped (SIGTERM, the shutdown hook deregisters): checkout stopped seeing it after "
            + gracefulMillis + " ms");

        say("round-robin after both stops, 100 requests: " + checkout.run(LoadBalancer.roundRobin(view), 100, 1).summary());
        say(String.format("totals: %d requests, %d failures; removal reached the caller in %d ms when killed, %d ms when stopped",
            checkout.requests, checkout.failures, abruptMillis, gracefulMillis));
        return checkout.failures == 0 ? 0 : 1;
      }
    } finally {
      instances.forEach(ServiceProcess::close);
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  private static ServiceProcess start(String registry) {
    try {
      return ServiceProcess.start("payments", registry, INSTANCE_TTL, Demo.REGISTRY_TIMEOUT);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
