package io.discovery.benchmarks.sim;

import io.discovery.benchmarks.SettableView;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import io.discovery.client.Snapshot;
import io.discovery.loadbalancer.CallHandle;
import io.discovery.loadbalancer.LoadBalancer;
import io.discovery.loadbalancer.Policy;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A discrete-event simulation of one client spreading open-loop (Poisson) traffic over backends, in
 * virtual time, driving our real balancers and call handles (their ticker is the virtual clock).
 * Each backend serves a number of requests at once and queues the rest; a client gives up after the
 * timeout (the backend still does the work).
 *
 * <p>Three seeded streams keep a run reproducible to the request: the arrival gaps; each request's
 * own draws for its service time, taken at its arrival so they do not depend on where it goes; and
 * the balancer's draws ({@link LoadBalancer.Builder#random}). Every policy therefore sees the same
 * arrivals and the same per-request draws for a seed.
 */
public final class Simulation {

  /** What the backends do. */
  public record Scenario(String name, int backends, int workersPerBackend, double requestsPerSecond, double seconds,
                         double timeoutSeconds, Backends behaviour) {

    /** This scenario with {@code workers} per backend. */
    public Scenario withWorkers(int workers) {
      return new Scenario(name + ", " + workers + " workers per backend", backends, workers, requestsPerSecond, seconds,
          timeoutSeconds, behaviour);
    }
  }

  /** How backends answer. */
  public interface Backends {
    /** The answer of backend {@code b} to a request that starts service at {@code t} seconds, from the request's own draws. */
    Answer answer(int b, double t, SplittableRandom requestDraws);

    /** What an oracle knows: the expected service time of {@code b} at {@code t}, infinite for a backend that fails. */
    double expectedSeconds(int b, double t);
  }

  /** A backend's answer: after {@code seconds}, a success or an error (a 5xx). */
  public record Answer(double seconds, boolean ok) {
  }

  /** What one policy achieved. */
  public record Result(String policy, long requests, long succeeded, double p50, double p99, double p999, long[] failuresPerSecond) {
    public double successRate() {
      return (double) succeeded / requests;
    }
  }

  /**
   * Scenario 1, after Linkerd's "Beyond Round Robin" (2016): 11 backends with log-normal latencies
   * around a 167 ms median ({@code sigma} 0.25 there), 1000 requests/s for 60 s, one backend slowed
   * to 2 s from t = 15 s for 30 s, 1 s timeout. Each backend serves any number of requests at once.
   */
  public static Scenario linkerd(double sigma) {
    return new Scenario("Linkerd 2016: 11 backends, 167 ms median (sigma " + sigma + "), one at 2 s for 30 s, 1000 rps, 1 s timeout",
        11, 10_000, 1000, 60, 1.0, new Backends() {
          @Override
          public Answer answer(int b, double t, SplittableRandom r) {
            return new Answer(b == 0 && slow(t) ? 2.0 : 0.167 * Math.exp(sigma * gaussian(r)), true);
          }

          @Override
          public double expectedSeconds(int b, double t) {
            return b == 0 && slow(t) ? 2.0 : 0.167 * Math.exp(sigma * sigma / 2);
          }
        });
  }

  /** Scenario 1 as Linkerd ran it. */
  public static Scenario linkerd() {
    return linkerd(0.25);
  }

  private static boolean slow(double t) {
    return t >= 15 && t < 45;
  }

  /** Scenario 2: 10 single-worker backends (10 ms mean, exponential), one 10x slower, arrivals at 70% of capacity, 1 s timeout. */
  public static Scenario tenXSlower() {
    double capacity = 9 / 0.010 + 1 / 0.100;
    return new Scenario(String.format(java.util.Locale.ROOT,
        "10 single-worker backends, 10 ms mean, one 10x slower, %.0f rps (70%% of capacity), 1 s timeout", 0.7 * capacity),
        10, 1, 0.7 * capacity, 60, 1.0, new Backends() {
          @Override
          public Answer answer(int b, double t, SplittableRandom r) {
            return new Answer(-Math.log(1 - r.nextDouble()) * mean(b), true);
          }

          @Override
          public double expectedSeconds(int b, double t) {
            return mean(b);
          }

          private double mean(int b) {
            return b == 0 ? 0.100 : 0.010;
          }
        });
  }

  /**
   * Scenario 3, one the failure penalty was not designed for: 10 backends of 50 ms median latency
   * (log-normal, sigma 0.25), 20 workers each, 1000 rps, 1 s timeout. From t = 15 s for 30 s,
   * backend 0 fails every request with a 5xx in 1 ms, and backend 1 is bimodal all along: 90% of its
   * answers in 10 ms, 10% in 800 ms.
   */
  public static Scenario fastFailureAndBimodal() {
    return new Scenario("10 backends, 50 ms median, 20 workers each, 1000 rps, 1 s timeout; one fails fast (5xx in 1 ms) for 30 s,"
        + " one bimodal (90% 10 ms, 10% 800 ms)", 10, 20, 1000, 60, 1.0, new Backends() {
          @Override
          public Answer answer(int b, double t, SplittableRandom r) {
            if (b == 0 && slow(t)) {
              return new Answer(0.001, false);
            }
            if (b == 1) {
              return new Answer(r.nextDouble() < 0.9 ? 0.010 : 0.800, true);
            }
            return new Answer(0.050 * Math.exp(0.25 * gaussian(r)), true);
          }

          @Override
          public double expectedSeconds(int b, double t) {
            if (b == 0 && slow(t)) {
              return Double.POSITIVE_INFINITY;
            }
            return b == 1 ? 0.9 * 0.010 + 0.1 * 0.800 : 0.050 * Math.exp(0.25 * 0.25 / 2);
          }
        });
  }

  private static double gaussian(SplittableRandom r) {
    double u = 1 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Runs {@code scenario} with a balancer made by {@code policy} over a view of its backends. */
  public static Result run(Scenario scenario, String name, Policy policy, long seed) {
    return new Engine(scenario, seed).run(name, policy, null);
  }

  /** Runs {@code scenario} sending each request to the backend with the fewest requests queued or in service. */
  public static Result runShortestQueue(Scenario scenario, long seed) {
    return new Engine(scenario, seed).run("shortest queue (knows queues, not latencies)", null, Engine::shortestQueue);
  }

  /**
   * Runs {@code scenario} with an oracle: each request goes to the backend where it would finish
   * soonest by that backend's true expected service time and its queue, and never to one that fails.
   * No client-side policy knows as much: an upper bound for them.
   */
  public static Result runOracle(Scenario scenario, long seed) {
    return new Engine(scenario, seed).run("oracle (knows latencies and queues)", null, Engine::soonestExpected);
  }

  private static final class Engine {
    private final Scenario scenario;
    private final SplittableRandom arrivals;
    private final SplittableRandom requestDraws;
    private final SplittableRandom balancerDraws;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final int[] busy;
    private final List<ArrayDeque<Request>> queues = new ArrayList<>();
    private double now;
    private long sequence;
    private long succeeded;
    private long requests;
    private final List<Double> latencies = new ArrayList<>();
    private final long[] failuresPerSecond;

    Engine(Scenario scenario, long seed) {
      this.scenario = scenario;
      SplittableRandom root = new SplittableRandom(seed);
      this.arrivals = root.split();
      this.requestDraws = root.split();
      this.balancerDraws = root.split();
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
      final long draws;
      boolean finished;

      Request(double arrival, int backend, CallHandle call, long draws) {
        this.arrival = arrival;
        this.backend = backend;
        this.call = call;
        this.draws = draws;
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

    Result run(String name, Policy policy, java.util.function.ToIntFunction<Engine> router) {
      List<ServiceInstance> instances = new ArrayList<>();
      for (int i = 0; i < scenario.backends(); i++) {
        instances.add(ServiceInstance.builder("backend", "10.0.0." + (i + 1) + ":" + (1000 + i)).build());
      }
      Snapshot snapshot = new Snapshot("backend", instances, 1, Instant.EPOCH, false);
      ServiceView view = new SettableView(snapshot);
      LoadBalancer lb = policy == null ? null
          : LoadBalancer.builder(view).policy(policy).ticker(() -> (long) (now * 1e9)).random(() -> balancerDraws).build();
      at(0, t -> arrive(lb, router));
      while (!events.isEmpty()) {
        Event e = events.poll();
        now = e.time();
        e.action().accept(now);
      }
      double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      return new Result(name, requests, succeeded, percentile(sorted, 0.5), percentile(sorted, 0.99), percentile(sorted, 0.999),
          failuresPerSecond);
    }

    private void arrive(LoadBalancer lb, java.util.function.ToIntFunction<Engine> router) {
      if (now >= scenario.seconds()) {
        return;
      }
      requests++;
      long draws = requestDraws.nextLong();
      CallHandle call = lb == null ? null : lb.begin();
      int backend = call == null ? router.applyAsInt(this) : call.instance().port() - 1000;
      Request request = new Request(now, backend, call, draws);
      if (busy[backend] < scenario.workersPerBackend()) {
        serve(request);
      } else {
        queues.get(backend).add(request);
      }
      at(now + scenario.timeoutSeconds(), t -> finish(request, false));
      double gap = -Math.log(1 - arrivals.nextDouble()) / scenario.requestsPerSecond();
      at(now + gap, t -> arrive(lb, router));
    }

    private void serve(Request request) {
      busy[request.backend]++;
      Answer answer = scenario.behaviour().answer(request.backend, now, new SplittableRandom(request.draws));
      at(now + answer.seconds(), t -> {
        busy[request.backend]--;
        finish(request, answer.ok());
        Request next = queues.get(request.backend).poll();
        if (next != null) {
          serve(next);
        }
      });
    }

    /** Ends {@code request} once: answered (ok or not) by its backend, or given up on at the timeout. */
    private void finish(Request request, boolean ok) {
      if (request.finished) {
        return;
      }
      request.finished = true;
      latencies.add(now - request.arrival);
      if (ok) {
        succeeded++;
      } else {
        failuresPerSecond[(int) request.arrival]++;
      }
      if (request.call != null) {
        if (ok) {
          request.call.succeeded();
        } else {
          request.call.failed(new TimeoutException("failed or gave up after " + (now - request.arrival) + " s"));
        }
        request.call.close();
      }
    }

    private int shortestQueue() {
      return best(b -> busy[b] + queues.get(b).size());
    }

    private int soonestExpected() {
      int workers = scenario.workersPerBackend();
      return best(b -> {
        double service = scenario.behaviour().expectedSeconds(b, now);
        int ahead = busy[b] + queues.get(b).size();
        double wait = ahead < workers ? 0 : (double) (ahead - workers + 1) / workers * service;
        return wait + service;
      });
    }

    /** The backend with the lowest score, ties broken at random from the balancer's stream. */
    private int best(java.util.function.IntToDoubleFunction score) {
      int best = -1;
      double bestScore = Double.POSITIVE_INFINITY;
      int ties = 0;
      for (int b = 0; b < busy.length; b++) {
        double s = score.applyAsDouble(b);
        if (best < 0 || s < bestScore) {
          best = b;
          bestScore = s;
          ties = 1;
        } else if (s == bestScore && balancerDraws.nextInt(++ties) == 0) {
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

  /** Prints the scenarios and the ablation as markdown; the first argument is the seed (default 42). */
  public static void main(String[] args) throws IOException {
    long seed = args.length > 0 ? Long.parseLong(args[0]) : 42;
    System.out.print(SimulationReport.markdown(seed));
    if (args.length > 1 && args[1].equals("--timeline")) {
      for (Scenario scenario : List.of(linkerd(), tenXSlower(), fastFailureAndBimodal())) {
        for (Policy policy : List.of(Policy.leastConnection(), Policy.peakEwma())) {
          System.out.println(scenario.name().substring(0, 20) + " " + policy + " failures by arrival second: "
              + java.util.Arrays.toString(run(scenario, policy.toString(), policy, seed).failuresPerSecond()));
        }
      }
    }
  }
}
