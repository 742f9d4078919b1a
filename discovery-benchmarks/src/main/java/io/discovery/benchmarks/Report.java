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
  private record Cell(double nanos, double error, double bytes) {
  }

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args[0]);
    String simulation = Files.readString(Path.of(args[1]));
    String machine = Files.readString(Path.of(args[2]));
    // benchmark -> "threads/instances" -> cell
    Map<String, Map<String, Cell>> cells = new TreeMap<>();
    Map<Integer, Boolean> threadCounts = new TreeMap<>();
    for (int i = 3; i < args.length; i++) {
      String[] pair = args[i].split("=", 2);
      int threads = Integer.parseInt(pair[0]);
      threadCounts.put(threads, true);
      for (JsonNode run : JSON.readTree(Path.of(pair[1]).toFile())) {
        String name = run.path("benchmark").asText().replaceAll(".*\\.(\\w+Benchmark)\\.", "$1.").replace("Benchmark.", ".");
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
    md.append("\n## Targets\n\n").append(targets(cells)).append("\n## Load-balancing simulation\n").append(simulation);
    Files.writeString(out, md.toString());
    System.out.println("wrote " + out);
  }

  private static String targets(Map<String, Map<String, Cell>> cells) {
    StringBuilder t = new StringBuilder();
    ratio(t, cells, "Pick.oursRoundRobin", "Pick.floorRoundRobin", "1/3", 1.2, "round-robin vs the array+AtomicInteger floor, 3 instances, 1 thread");
    ratio(t, cells, "Pick.oursRoundRobin", "Pick.floorRoundRobin", "1/100", 1.2, "round-robin vs the floor, 100 instances, 1 thread");
    ratio(t, cells, "Pick.oursRoundRobin", "Pick.oursRoundRobin", "2/100", "1/100", 2.0, "round-robin at 2 threads vs 1 thread (100 instances)");
    ratio(t, cells, "Pick.floorRoundRobin", "Pick.floorRoundRobin", "2/100", "1/100", 2.0, "(the floor's single counter, 2 threads vs 1)");
    ratio(t, cells, "Pick.oursLeastConnection", "Pick.floorPowerOfTwoChoices", "1/100", 1.3, "least-connection (P2C, begin+close) vs the P2C floor, 100 instances");
    ratio(t, cells, "Pick.oursLeastConnection", "Pick.floorPowerOfTwoChoices", "1/3", 1.3, "least-connection (exact, begin+close) vs the P2C floor, 3 instances");
    for (String peer : new String[] {"PeerPick.storkPowerOfTwoChoices", "PeerPick.ribbonBestAvailable", "PeerPick.dubboLeastActive"}) {
      Cell ours = cell(cells, "Pick.oursLeastConnection", "1/100");
      Cell theirs = cell(cells, peer, "1/100");
      if (ours != null && theirs != null) {
        t.append(String.format(Locale.ROOT, "- %s at 100 instances: %s ns, ours %s ns: ours is %.1fx faster%n", peer,
            fmt(theirs.nanos()), fmt(ours.nanos()), theirs.nanos() / ours.nanos()));
      }
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
    double r = x.nanos() / y.nanos();
    t.append(String.format(Locale.ROOT, "- %s: %s / %s ns = %.2fx (target %.1fx: %s)%n", what, fmt(x.nanos()), fmt(y.nanos()), r,
        target, r <= target ? "met" : "missed"));
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
