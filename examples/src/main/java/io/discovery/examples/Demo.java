package io.discovery.examples;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.ServiceView;
import io.discovery.loadbalancer.LoadBalancer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Three "payments" instances register; a "checkout" caller resolves them and sends requests with
 * round-robin, then least-connection while one instance is slow; one instance then stops gracefully
 * and the caller stops seeing it at once. Runs on an in-JVM registry unless {@code --registry URI}.
 */
public final class Demo {
  private static final long START = System.nanoTime();

  private Demo() {
  }

  public static void main(String[] args) throws Exception {
    String registry = "memory://demo";
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--registry") && i + 1 < args.length) {
        registry = args[++i];
      } else {
        System.err.println("usage: java -jar discovery-demo.jar [--registry etcd://127.0.0.1:2379]");
        System.exit(2);
      }
    }
    System.exit(run(registry));
  }

  static int run(String registry) throws Exception {
    // The JDK's HTTP server leaves Nagle's algorithm on, which adds ~40 ms to small keep-alive responses.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    say("registry: " + registry);
    List<PaymentsService> payments = new ArrayList<>();
    try (DiscoveryClient caller = DiscoveryClient.builder().registry(registry).withoutShutdownHook().build();
         Checkout checkout = new Checkout()) {
      for (int i = 0; i < 3; i++) {
        PaymentsService service = new PaymentsService("payments", registry, 0);
        payments.add(service);
        if (!service.registration().awaitRegistered(Duration.ofSeconds(10))) {
          System.err.println("error: could not register in " + registry + " within 10 s: is the registry reachable?");
          return 1;
        }
        say("payments instance " + (i + 1) + " registered at " + service.address());
      }

      ServiceView view = caller.service("payments");
      awaitSize(view, 3);
      say("checkout resolved 'payments': " + view.instances().size() + " instances (revision " + view.snapshot().revision() + ")");

      Checkout.Result rr = checkout.run(LoadBalancer.roundRobin(view), 300, 1);
      say("round-robin, 300 requests:         " + rr.summary());

      payments.get(0).slowDown(25);
      say("instance " + payments.get(0).address() + " now takes 25 ms more per request");
      Checkout.Result rrSlow = checkout.run(LoadBalancer.roundRobin(view), 480, 8);
      say("round-robin, 480 requests x8:      " + rrSlow.summary());
      Checkout.Result lc = checkout.run(LoadBalancer.leastConnection(view), 480, 8);
      say("least-connection, 480 requests x8: " + lc.summary());

      PaymentsService leaving = payments.remove(2);
      long stopAt = System.nanoTime();
      leaving.close();
      awaitSize(view, 2);
      long gracefulMillis = (System.nanoTime() - stopAt) / 1_000_000;
      say("instance " + leaving.address() + " stopped gracefully; checkout stopped seeing it after " + gracefulMillis + " ms");

      Checkout.Result after = checkout.run(LoadBalancer.roundRobin(view), 100, 1);
      say("round-robin after the stop, 100 requests: " + after.summary());

      say(String.format("totals: %d requests, %d failures, graceful removal reached the caller in %d ms",
          checkout.requests, checkout.failures, gracefulMillis));
      return checkout.failures == 0 ? 0 : 1;
    } finally {
      payments.forEach(PaymentsService::close);
    }
  }

  private static void awaitSize(ServiceView view, int size) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    Object changed = new Object();
    try (AutoCloseable subscription = view.subscribe(s -> {
      synchronized (changed) {
        changed.notifyAll();
      }
    })) {
      synchronized (changed) {
        while (view.instances().size() != size) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new IllegalStateException("the view of '" + view.service() + "' did not reach " + size
                + " instances within 15 s; it has " + view.instances().size());
          }
          changed.wait(Math.max(1, left / 1_000_000));
        }
      }
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void say(String line) {
    System.out.printf("[%6.3f s] %s%n", (System.nanoTime() - START) / 1e9, line);
  }
}
