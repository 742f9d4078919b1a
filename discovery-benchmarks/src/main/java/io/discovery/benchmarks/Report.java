package io.discovery.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns JMH's JSON results (one file per thread count) and the simulation's tables into one markdown
 * report. Arguments: the output file, the simulation's output, the machine description, then
 * {@code threads=file.json} pairs.
 */
public final class Report {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Report() {
  }

  /** score and allocation of one benchmark at one size and thread count. */
  record Cell(double nanos, double error, double bytes) {
  }

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args[0]);
    String simulation = Files.readString(Path.of(args[1]));
    String machine = Files.readString(Path.of(args[2]));
    // benchmark -> "threads/instances" -> cell
    Map<String, Map<String, Cell>> cells = new TreeMap<>();
    Map<Integer, Boolean> threadCounts = new TreeMap<>();
    // policy -> instances -> cell, for picker rebuilds now and before
    Map<String, Map<String, Cell>> rebuilds = new LinkedHashMap<>();
    Map<String, Map<String, Cell>> rebuildsBefore = new LinkedHashMap<>();
    Map<String, Cell> leastConnectionBefore = new LinkedHashMap<>();
    // the headline rows, measured again with more forks and iterations: benchmark -> "threads/instances" -> cell
    Map<String, Map<String, Cell>> headline = new TreeMap<>();
    for (int i = 3; i < args.length; i++) {
      String[] pair = args[i].split("=", 2);
      if (pair[0].equals("headline")) {
        for (JsonNode run : JSON.readTree(Path.of(pair[1]).toFile())) {
          headline.computeIfAbsent(name(run), n -> new TreeMap<>())
              .put(run.path("threads").asInt() + "/" + run.path("params").path("instances").asText(), cell(run));
        }
        continue;
      }
      if (pair[0].equals("rebuild-before")) {
        readRebuilds(Path.of(pair[1]), rebuildsBefore);
        continue;
      }
      if (pair[0].equals("least-connection-t2-before") || pair[0].equals("least-connection-t2-after")) {
        String when = pair[0].endsWith("before") ? "before/" : "after/";
        for (JsonNode run : JSON.readTree(Path.of(pair[1]).toFile())) {
          leastConnectionBefore.put(when + run.path("params").path("instances").asText(), cell(run));
        }
        continue;
      }
      int threads = Integer.parseInt(pair[0]);
      threadCounts.put(threads, true);
      readRebuilds(Path.of(pair[1]), rebuilds);
      for (JsonNode run : JSON.readTree(Path.of(pair[1]).toFile())) {
        if (run.path("benchmark").asText().contains("RebuildBenchmark") || run.path("benchmark").asText().contains("ViewChangeBenchmark")) {
          continue; // tables of their own (README: "Propagation")
        }
        String name = name(run);
        String instances = run.path("params").path("instances").asText();
        JsonNode primary = run.path("primaryMetric");
        double bytes = run.path("secondaryMetrics").path("·gc.alloc.rate.norm").path("score").asDouble(
            run.path("secondaryMetrics").path("gc.alloc.rate.norm").path("score").asDouble(Double.NaN));
        cells.computeIfAbsent(name, n -> new LinkedHashMap<>())
            .put(threads + "/" + instances, new Cell(primary.path("score").asDouble(), primary.path("scoreError").asDouble(), bytes));
      }
    }
    StringBuilder md = new StringBuilder();
    md.append("# Benchmark results\n\n").append(machine.trim()).append("\n\n");
    md.append("## Picks (JMH, average ns per operation; B/op from `-prof gc`)\n\n");
    md.append("Each operation is one pick; for least-connection, peak-EWMA, Ribbon BestAvailable, Stork and Dubbo it also opens and")
        .append(" closes the call (in-flight count up and down). Ours read the instance list from a live `ServiceView` snapshot on")
        .append(" every pick.\n\n");
    StringBuilder header = new StringBuilder("| picker |");
    StringBuilder rule = new StringBuilder("|---|");
    for (int threads : threadCounts.keySet()) {
      for (String n : new String[] {"3", "10", "100"}) {
        header.append(" ").append(n).append(" inst, ").append(threads).append(threads == 1 ? " thread |" : " threads |");
        rule.append("---:|");
      }
    }
    header.append(" B/op (1 thread, 3 / 10 / 100) |");
    rule.append("---:|");
    md.append(header).append('\n').append(rule).append('\n');
    for (Map.Entry<String, Map<String, Cell>> row : cells.entrySet()) {
      md.append("| ").append(row.getKey()).append(" |");
      for (int threads : threadCounts.keySet()) {
        for (String n : new String[] {"3", "10", "100"}) {
          Cell c = row.getValue().get(threads + "/" + n);
          md.append(c == null ? " - |" : String.format(Locale.ROOT, " %s ± %s |", fmt(c.nanos()), fmt(c.error())));
        }
      }
      StringBuilder alloc = new StringBuilder();
      for (String n : new String[] {"3", "10", "100"}) {
        Cell c = row.getValue().get("1/" + n);
        alloc.append(alloc.length() > 0 ? " / " : "").append(c == null || Double.isNaN(c.bytes()) ? "-" : fmt(c.bytes()));
      }
      md.append(' ').append(alloc).append(" |\n");
    }
    Map<String, Map<String, Cell>> best = new TreeMap<>();
    cells.forEach((name, row) -> best.put(name, new LinkedHashMap<>(row)));
    headline.forEach((name, row) -> best.computeIfAbsent(name, n -> new LinkedHashMap<>()).putAll(row));
    md.append(headlineTable(headline));
    md.append("\n## Targets\n\n").append(targets(best));
    md.append(leastConnectionBefore(cells, leastConnectionBefore));
    md.append(rebuildTable(rebuilds, rebuildsBefore));
    md.append("\n## Load-balancing simulation\n").append(simulation);
    Files.writeString(out, md.toString());
    System.out.println("wrote " + out);
  }

  private static String name(JsonNode run) {
    return run.path("benchmark").asText().replaceAll(".*\\.(\\w+Benchmark)\\.", "$1.").replace("Benchmark.", ".");
  }

  private static String headlineTable(Map<String, Map<String, Cell>> headline) {
    if (headline.isEmpty()) {
      return "";
    }
    StringBuilder t = new StringBuilder("\n## Headline rows, measured again\n\n");
    t.append("The rows the targets below compare, run again with more forks and iterations (see `machine.txt`) so that the")
        .append(" 99.9% error is small next to the score; the targets use these figures.\n\n");
    t.append("| benchmark | threads | instances | ns per operation (99.9% error) | error / score |\n|---|---:|---:|---:|---:|\n");
    headline.forEach((name, row) -> row.forEach((key, c) -> {
      String[] tk = key.split("/");
      t.append(String.format(Locale.ROOT, "| %s | %s | %s | %s ± %s | %.1f%% |%n", name, tk[0], tk[1], fmt(c.nanos()), fmt(c.error()),
          100 * c.error() / c.nanos()));
    }));
    return t.toString();
  }

  private static Cell cell(JsonNode run) {
    JsonNode primary = run.path("primaryMetric");
    return new Cell(primary.path("score").asDouble(), primary.path("scoreError").asDouble(), Double.NaN);
  }

  /** RebuildBenchmark runs in {@code file}, by policy and instance count. */
  private static void readRebuilds(Path file, Map<String, Map<String, Cell>> into) throws IOException {
    for (JsonNode run : JSON.readTree(file.toFile())) {
      if (run.path("benchmark").asText().contains("RebuildBenchmark")) {
        into.computeIfAbsent(run.path("params").path("policy").asText(), p -> new LinkedHashMap<>())
            .put(run.path("params").path("instances").asText(), cell(run));
      }
    }
  }

  private static String rebuildTable(Map<String, Map<String, Cell>> now, Map<String, Map<String, Cell>> before) {
    if (now.isEmpty()) {
      return "";
    }
    StringBuilder t = new StringBuilder("\n## Picker rebuilds (JMH, microseconds per view change, 1 thread)\n\n");
    t.append("One instance of the view replaced, weights random from 1 to 1,000,000; the balancer builds its next picker on the")
        .append(" thread that publishes the snapshot. \"Before\" is the same benchmark on the code before pickers were built on")
        .append(" view changes, when the first pick after a change built it (`results/before/rebuild.json`). Target: under 5 ms")
        .append(" (5000 us) at 1,000 instances.\n\n");
    t.append("| policy | 100 inst | 500 inst | 1000 inst | before: 100 | before: 500 | before: 1000 |\n|---|---:|---:|---:|---:|---:|---:|\n");
    now.forEach((policy, byCount) -> {
      t.append("| ").append(policy).append(" |");
      for (Map<String, Map<String, Cell>> source : java.util.List.of(now, before)) {
        Map<String, Cell> row = source.getOrDefault(policy, Map.of());
        for (String n : new String[] {"100", "500", "1000"}) {
          Cell c = row.get(n);
          t.append(c == null ? " - |" : " " + fmt(c.nanos()) + " |");
        }
      }
      t.append('\n');
    });
    return t.toString();
  }

  private static String leastConnectionBefore(Map<String, Map<String, Cell>> cells, Map<String, Cell> ab) {
    if (ab.isEmpty()) {
      return "";
    }
    StringBuilder t = new StringBuilder("\n## Least-connection at 2 threads, before and after the in-flight count got its own cache line\n\n");
    t.append("Before, the count sat at offset 12, beside the object header whose lock word latency updates write. Measured")
        .append(" back to back in one session, the jar before the change and the jar after (`-t 2 -wi 3 -i 5 -r 2`;")
        .append(" `results/before/least-connection-t2*.json`), since figures from different sessions on this machine differ")
        .append(" by up to 5x; the full run's 2-thread column is in the table above.\n\n");
    t.append("| instances | before (ns) | after (ns) | this run, 2 threads (ns) |\n|---:|---:|---:|---:|\n");
    for (String n : new String[] {"3", "10", "100"}) {
      Cell b = ab.get("before/" + n);
      Cell a = ab.get("after/" + n);
      Cell now = cell(cells, "Pick.oursLeastConnection", "2/" + n);
      t.append("| ").append(n).append(" | ").append(b == null ? "-" : fmt(b.nanos()) + " ± " + fmt(b.error()))
          .append(" | ").append(a == null ? "-" : fmt(a.nanos()) + " ± " + fmt(a.error()))
          .append(" | ").append(now == null ? "-" : fmt(now.nanos()) + " ± " + fmt(now.error())).append(" |\n");
    }
    return t.toString();
  }

  private static String targets(Map<String, Map<String, Cell>> cells) {
    StringBuilder t = new StringBuilder();
    t.append("A target is met or missed only when the whole 99.9% confidence interval of the ratio (from both scores' JMH")
        .append(" errors) lies on one side of it; otherwise the verdict is inconclusive.\n\n");
    ratio(t, cells, "Pick.oursRoundRobin", "Pick.floorRoundRobin", "1/3", 1.2, "round-robin vs the array+AtomicInteger floor, 3 instances, 1 thread");
    ratio(t, cells, "Pick.oursRoundRobin", "Pick.floorRoundRobin", "1/100", 1.2, "round-robin vs the floor, 100 instances, 1 thread");
    ratio(t, cells, "Pick.oursRoundRobin", "Pick.oursRoundRobin", "2/100", "1/100", 2.0, "round-robin at 2 threads vs 1 thread (100 instances)");
    ratio(t, cells, "Pick.floorRoundRobin", "Pick.floorRoundRobin", "2/100", "1/100", 2.0, "(the floor's single counter, 2 threads vs 1)");
    ratio(t, cells, "Pick.oursLeastConnection", "Pick.floorPowerOfTwoChoices", "1/100", 1.3,
        "least-connection (two distinct choices, begin+close, calls in flight) vs the P2C floor, 100 instances");
    ratio(t, cells, "Pick.oursLeastConnection", "Pick.floorPowerOfTwoChoices", "1/3", 1.3,
        "least-connection (exact scan of 3 with calls in flight, begin+close) vs the P2C floor, 3 instances");
    t.append("\nPeers at 100 instances, 1 thread. Ribbon's BestAvailable and Dubbo's LeastActive scan every instance (O(n));")
        .append(" our default least-connection draws two (O(1)) above 8 instances, so the first ratio compares algorithms, and")
        .append(" the second compares our exact scan of all 100 (`oursLeastConnectionExactScan`) like for like.\n\n");
    Cell twoChoices = cell(cells, "Pick.oursLeastConnection", "1/100");
    Cell exact = cell(cells, "Pick.oursLeastConnectionExactScan", "1/100");
    for (String peer : new String[] {"PeerPick.storkPowerOfTwoChoices", "PeerPick.ribbonBestAvailable", "PeerPick.dubboLeastActive"}) {
      Cell theirs = cell(cells, peer, "1/100");
      if (theirs == null || twoChoices == null) {
        continue;
      }
      boolean scans = !peer.contains("PowerOfTwo");
      t.append(String.format(Locale.ROOT, "- %s (%s): %s ns; ours, two choices (O(1)): %s ns, %s faster", peer,
          scans ? "O(n) scan" : "two choices, O(1)", fmt(theirs.nanos()), fmt(twoChoices.nanos()), Verdict.speedup(theirs, twoChoices)));
      if (scans && exact != null) {
        t.append(String.format(Locale.ROOT, "; ours, exact scan (O(n), like for like): %s ns, %s faster", fmt(exact.nanos()),
            Verdict.speedup(theirs, exact)));
      }
      t.append('\n');
    }
    return t.toString();
  }

  private static void ratio(StringBuilder t, Map<String, Map<String, Cell>> cells, String a, String b, String key, double target, String what) {
    ratio(t, cells, a, b, key, key, target, what);
  }

  private static void ratio(StringBuilder t, Map<String, Map<String, Cell>> cells, String a, String b, String keyA, String keyB,
                            double target, String what) {
    Cell x = cell(cells, a, keyA);
    Cell y = cell(cells, b, keyB);
    if (x == null || y == null) {
      return;
    }
    Verdict v = Verdict.of(x.nanos(), x.error(), y.nanos(), y.error(), target);
    t.append(String.format(Locale.ROOT, "- %s: %s ± %s / %s ± %s ns = %.2fx, 99.9%% interval %s (target %.1fx: %s)%n", what,
        fmt(x.nanos()), fmt(x.error()), fmt(y.nanos()), fmt(y.error()), v.ratio(), v.interval(), target, v.word()));
  }

  private static Cell cell(Map<String, Map<String, Cell>> cells, String name, String key) {
    Map<String, Cell> row = cells.get(name);
    return row == null ? null : row.get(key);
  }

  private static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
  }
}
