package io.discovery.benchmarks.sim;

import io.discovery.benchmarks.sim.Simulation.Result;
import io.discovery.benchmarks.sim.Simulation.Scenario;
import io.discovery.loadbalancer.Policy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The simulation's markdown: one table per scenario, then the ablation of peak-EWMA's two constants. */
final class SimulationReport {

  private SimulationReport() {
  }

  /** The policies every scenario table compares, by row label. */
  static Map<String, Policy> policies() {
    Map<String, Policy> p = new LinkedHashMap<>();
    p.put("round-robin", Policy.roundRobin());
    p.put("random", Policy.random());
    p.put("least-connection", Policy.leastConnection());
    p.put("peak-EWMA (10 s decay, failure x2)", Policy.peakEwma());
    return p;
  }

  /** The ablation's rows: least-connection for reference, then peak-EWMA with one constant changed at a time. */
  static Map<String, Policy> ablation() {
    Map<String, Policy> p = new LinkedHashMap<>();
    p.put("least-connection", Policy.leastConnection());
    for (double penalty : new double[] {1, 1.5, 2, 4}) {
      p.put(String.format(Locale.ROOT, "peak-EWMA, failure x%s, decay 10 s%s", trim(penalty), penalty == 2 ? " (default)" : ""),
          Policy.peakEwma(Duration.ofSeconds(10), penalty));
    }
    for (int decay : new int[] {1, 60}) {
      p.put("peak-EWMA, failure x2, decay " + decay + " s", Policy.peakEwma(Duration.ofSeconds(decay), 2));
    }
    return p;
  }

  static List<Scenario> scenarios() {
    return List.of(Simulation.linkerd(), Simulation.tenXSlower(), Simulation.fastFailureAndBimodal());
  }

  static List<Scenario> ablationScenarios() {
    return List.of(Simulation.linkerd(), Simulation.linkerd(0.5), Simulation.linkerd().withWorkers(20), Simulation.fastFailureAndBimodal());
  }

  static String markdown(long seed) {
    StringBuilder out = new StringBuilder();
    int number = 1;
    for (Scenario scenario : scenarios()) {
      out.append("\n### ").append(number++).append(". ").append(scenario.name()).append("\n\n");
      out.append("| policy | requests | success | p50 | p99 | p99.9 |\n|---|---:|---:|---:|---:|---:|\n");
      List<Result> results = new ArrayList<>();
      policies().forEach((label, policy) -> results.add(Simulation.run(scenario, label, policy, seed)));
      results.add(Simulation.runShortestQueue(scenario, seed));
      results.add(Simulation.runOracle(scenario, seed));
      for (Result r : results) {
        out.append(String.format(Locale.ROOT, "| %s | %d | %.2f%% | %.0f ms | %.0f ms | %.0f ms |%n", r.policy(), r.requests(),
            100 * r.successRate(), r.p50() * 1000, r.p99() * 1000, r.p999() * 1000));
      }
    }
    out.append("""

        ### Ablation: peak-EWMA's failure penalty and decay

        The 2x failure penalty (a failed call counts as at least twice the current estimate) was
        introduced in the same change as scenario 1, and scenario 1 is what it was checked on. This
        table changes one constant at a time and runs it on scenario 1, on two variations of it
        (latencies twice as spread; 20 workers per backend, so the slow backend queues) and on
        scenario 3, which it was not designed for. Each cell: success rate / p99.

        """);
    List<Scenario> columns = ablationScenarios();
    out.append("| policy | 1. Linkerd | 1. sigma 0.5 | 1. 20 workers per backend | 3. fast failure + bimodal |\n");
    out.append("|---|---:|---:|---:|---:|\n");
    ablation().forEach((label, policy) -> {
      out.append("| ").append(label).append(" |");
      for (Scenario scenario : columns) {
        Result r = Simulation.run(scenario, label, policy, seed);
        out.append(String.format(Locale.ROOT, " %.2f%% / %.0f ms |", 100 * r.successRate(), r.p99() * 1000));
      }
      out.append('\n');
    });
    out.append("\nseed ").append(seed).append("; arrivals, each request's service-time draws and the balancer's draws come from")
        .append(" three seeded streams, so every policy sees the same arrivals and a run reproduces to the request.\n");
    return out.toString();
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }
}
