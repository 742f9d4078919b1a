package io.discovery.benchmarks.sim;

import io.discovery.benchmarks.SettableView;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import io.discovery.client.Snapshot;
import io.discovery.loadbalancer.CallHandle;
import io.discovery.loadbalancer.LoadBalancer;
import io.discovery.loadbalancer.Policy;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A discrete-event simulation of one client spreading open-loop (Poisson) traffic over backends, in
 * virtual time, driving our real balancers and call handles (their ticker is the virtual clock).
 * Each backend serves a number of requests at once and queues the rest; a client gives up after the
 * timeout (the backend still does the work). Arrivals and service times come from a seeded
 * generator; the balancers' own random draws (ThreadLocalRandom) do not, so figures can differ in
 * the last digit between runs.
 */
public final class Simulation {

  /** What the backends do. */
  public record Scenario(String name, int backends, int workersPerBackend, double requestsPerSecond, double seconds,
                         double timeoutSeconds, ServiceTime serviceTime) {
  }

  /** A service-time sampler: seconds for a request to backend {@code b} starting at {@code t} seconds. */
  public interface ServiceTime {
    double sample(int backend, double t, SplittableRandom random);
  }

  /** What one policy achieved. */
  public record Result(String policy, long requests, long succeeded, double p50, double p99, double p999, long[] failuresPerSecond) {
    double successRate() {
      return (double) succeeded / requests;
    }
  }

  /**
   * Scenario 1, after Linkerd's "Beyond Round Robin" (2016): 11 backends with latencies around a
   * 167 ms median, 1000 requests/s for 60 s, one backend slowed to 2 s from t = 15 s for 30 s, 1 s timeout.
   */
  public static Scenario linkerd() {
    double sigma = 0.25;
    return new Scenario("Linkerd 2016: 11 backends, 167 ms median, one at 2 s for 30 s, 1000 rps, 1 s timeout",
        11, 10_000, 1000, 60, 1.0, (b, t, r) -> {
          if (b == 0 && t >= 15 && t < 45) {
            return 2.0;
          }
          return 0.167 * Math.exp(sigma * gaussian(r));
        });
  }

  /** Scenario 2: 10 single-worker backends (10 ms mean, exponential), one 10x slower, arrivals at 70% of capacity, 1 s timeout. */
  public static Scenario tenXSlower() {
    double capacity = 9 / 0.010 + 1 / 0.100;
    return new Scenario(String.format(Locale.ROOT, "10 single-worker backends, 10 ms mean, one 10x slower, %.0f rps (70%% of capacity), 1 s timeout", 0.7 * capacity),
        10, 1, 0.7 * capacity, 60, 1.0, (b, t, r) -> -Math.log(1 - r.nextDouble()) * (b == 0 ? 0.100 : 0.010));
  }

  private static double gaussian(SplittableRandom r) {
    double u = 1 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Runs {@code scenario} with a balancer made by {@code policy} over a view of its backends. */
  public static Result run(Scenario scenario, String name, Policy policy, long seed) {
    return new Engine(scenario, seed).run(name, policy);
  }

  /** Runs {@code scenario} with an oracle that picks the backend with the fewest requests queued or in service. */
  public static Result runOracle(Scenario scenario, long seed) {
    return new Engine(scenario, seed).run("oracle (shortest queue)", null);
  }

  private static final class Engine {
    private final Scenario scenario;
    private final SplittableRandom random;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final int[] busy;
    private final List<ArrayDeque<Request>> queues = new ArrayList<>();
    private double now;
    private long sequence;
    private long succeeded;
    private long requests;
    private final List<Double> latencies = new ArrayList<>();
    private long[] failuresPerSecond;

    Engine(Scenario scenario, long seed) {
      this.scenario = scenario;
      this.random = new SplittableRandom(seed);
      this.busy = new int[scenario.backends()];
      this.failuresPerSecond = new long[(int) Math.ceil(scenario.seconds() + scenario.timeoutSeconds()) + 1];
      for (int i = 0; i < scenario.backends(); i++) {
        queues.add(new ArrayDeque<>());
      }
    }

    private final class Request {
      final double arrival;
      final int backend;
      final CallHandle call;
      boolean finished;

      Request(double arrival, int backend, CallHandle call) {
        this.arrival = arrival;
        this.backend = backend;
        this.call = call;
      }
    }

    private record Event(double time, long seq, Consumer<Double> action) implements Comparable<Event> {
      @Override
      public int compareTo(Event o) {
        int c = Double.compare(time, o.time);
        return c != 0 ? c : Long.compare(seq, o.seq);
      }
    }

    private void at(double time, Consumer<Double> action) {
      events.add(new Event(time, sequence++, action));
    }

    Result run(String name, Policy policy) {
      List<ServiceInstance> instances = new ArrayList<>();
      for (int i = 0; i < scenario.backends(); i++) {
        instances.add(ServiceInstance.builder("backend", "10.0.0." + (i + 1) + ":" + (1000 + i)).build());
      }
      Snapshot snapshot = new Snapshot("backend", instances, 1, Instant.EPOCH, false);
      ServiceView view = new SettableView(snapshot);
      LoadBalancer lb = policy == null ? null
          : LoadBalancer.builder(view).policy(policy).ticker(() -> (long) (now * 1e9)).build();
      at(0, t -> arrive(lb));
      while (!events.isEmpty()) {
        Event e = events.poll();
        now = e.time();
        e.action().accept(now);
      }
      double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      return new Result(name, requests, succeeded, percentile(sorted, 0.5), percentile(sorted, 0.99), percentile(sorted, 0.999),
          failuresPerSecond);
    }

    private void arrive(LoadBalancer lb) {
      if (now >= scenario.seconds()) {
        return;
      }
      requests++;
      CallHandle call = lb == null ? null : lb.begin();
      int backend = call == null ? shortestQueue() : call.instance().port() - 1000;
      Request request = new Request(now, backend, call);
      if (busy[backend] < scenario.workersPerBackend()) {
        serve(request);
      } else {
        queues.get(backend).add(request);
      }
      at(now + scenario.timeoutSeconds(), t -> finish(request, false));
      double gap = -Math.log(1 - random.nextDouble()) / scenario.requestsPerSecond();
      at(now + gap, t -> arrive(lb));
    }

    private void serve(Request request) {
      busy[request.backend]++;
      double service = scenario.serviceTime().sample(request.backend, now, random);
      at(now + service, t -> {
        busy[request.backend]--;
        finish(request, true);
        Request next = queues.get(request.backend).poll();
        if (next != null) {
          serve(next);
        }
      });
    }

    private void finish(Request request, boolean answered) {
      if (request.finished) {
        return;
      }
      request.finished = true;
      latencies.add(now - request.arrival);
      if (answered) {
        succeeded++;
      } else {
        failuresPerSecond[(int) request.arrival]++;
      }
      if (request.call != null) {
        if (answered) {
          request.call.succeeded();
        } else {
          request.call.failed(new TimeoutException("gave up after " + scenario.timeoutSeconds() + " s"));
        }
        request.call.close();
      }
    }

    private int shortestQueue() {
      int best = -1;
      int bestLoad = Integer.MAX_VALUE;
      int ties = 0;
      for (int b = 0; b < busy.length; b++) {
        int load = busy[b] + queues.get(b).size();
        if (load < bestLoad) {
          best = b;
          bestLoad = load;
          ties = 1;
        } else if (load == bestLoad && random.nextInt(++ties) == 0) {
          best = b;
        }
      }
      return best;
    }
  }

  private static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(0, i)];
  }

  /** Prints both scenarios as markdown tables. */
  public static void main(String[] args) {
    long seed = args.length > 0 ? Long.parseLong(args[0]) : 42;
    StringBuilder out = new StringBuilder();
    for (Scenario scenario : List.of(linkerd(), tenXSlower())) {
      out.append("\n### ").append(scenario.name()).append("\n\n");
      out.append("| policy | requests | success | p50 | p99 | p99.9 |\n|---|---:|---:|---:|---:|---:|\n");
      List<Result> results = new ArrayList<>();
      results.add(run(scenario, "round-robin", Policy.roundRobin(), seed));
      results.add(run(scenario, "random", Policy.random(), seed));
      results.add(run(scenario, "least-connection", Policy.leastConnection(), seed));
      results.add(run(scenario, "peak-EWMA (10 s decay)", Policy.peakEwma(), seed));
      results.add(runOracle(scenario, seed));
      for (Result r : results) {
        out.append(String.format(Locale.ROOT, "| %s | %d | %.2f%% | %.0f ms | %.0f ms | %.0f ms |%n", r.policy(), r.requests(),
            100 * r.successRate(), r.p50() * 1000, r.p99() * 1000, r.p999() * 1000));
      }
    }
    System.out.print(out);
    if (args.length > 1 && args[1].equals("--timeline")) {
      for (Scenario scenario : List.of(linkerd(), tenXSlower())) {
        for (Policy policy : List.of(Policy.leastConnection(), Policy.peakEwma())) {
          System.out.println(scenario.name().substring(0, 20) + " " + policy + " failures by arrival second: "
              + java.util.Arrays.toString(run(scenario, policy.toString(), policy, seed).failuresPerSecond()));
        }
      }
    }
    System.out.println("\nseed " + seed + "; arrivals and service times are seeded, the balancers' own random draws are not.");
  }
}
