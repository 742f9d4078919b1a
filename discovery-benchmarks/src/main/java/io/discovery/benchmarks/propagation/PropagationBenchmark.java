package io.discovery.benchmarks.propagation;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import io.discovery.client.Subscription;
import io.discovery.client.etcd.EtcdServer;
import io.discovery.testing.zookeeper.EmbeddedZooKeeper;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How fast a change reaches watching clients through a real etcd and the embedded ZooKeeper, on
 * loopback: {@value #WATCHERS} clients each watch one service while another client registers
 * {@value #INSTANCES} instances one at a time, then closes them one at a time. Each sample is the
 * time from {@code register()} (or {@code close()}) to one watcher's view holding (or no longer
 * holding) the instance. Also: threads and heap each watching client adds, and the first load of a
 * view of {@value #LARGE} instances. Writes a Markdown table to the path given (default
 * {@code discovery-benchmarks/results/propagation.md}).
 */
public final class PropagationBenchmark {
  static final int WATCHERS = 50;
  static final int INSTANCES = 200;
  static final int LARGE = 2000;
  private static final Duration WAIT = Duration.ofSeconds(30);

  private PropagationBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "discovery-benchmarks/results/propagation.md");
    List<String> rows = new ArrayList<>();
    try (EtcdServer etcd = EtcdServer.start()) {
      rows.add(run("etcd", etcd.uri()));
    }
    try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(Duration.ofMillis(500))) {
      rows.add(run("ZooKeeper", zk.uri() + "/services"));
    }
    String table = String.join("\n",
        "| registry | register p50 | p99 | max | close p50 | p99 | max | threads / watching client | heap / watching client"
            + " | first load of " + LARGE + " |",
        "|---|---|---|---|---|---|---|---|---|---|",
        String.join("\n", rows));
    String text = "# Propagation\n\n" + WATCHERS + " watching clients of one service on loopback; " + INSTANCES
        + " instances registered one at a time, then closed one at a time; each sample is the time from `register()` or"
        + " `close()` to one watcher's view (" + WATCHERS * INSTANCES + " samples per column). Heap: used heap after GC"
        + " with the watchers' views loaded (empty), divided by " + WATCHERS + ". First load: median of 3 new clients'"
        + " `service()` calls on a service of " + LARGE + " instances.\n\n" + table + "\n\n"
        + "Machine: " + Runtime.getRuntime().availableProcessors() + " cores; JDK " + System.getProperty("java.version")
        + ". Command: `java -cp discovery-benchmarks/target/benchmarks.jar "
        + PropagationBenchmark.class.getName() + "`\n";
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, text);
    System.out.println(text);
    System.exit(0);
  }

  private static String run(String registry, String uri) throws Exception {
    long threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
    long heapBefore = usedHeapAfterGc();
    List<DiscoveryClient> clients = new ArrayList<>();
    List<ServiceView> views = new ArrayList<>();
    for (int i = 0; i < WATCHERS; i++) {
      DiscoveryClient watcher = client(uri);
      clients.add(watcher);
      views.add(watcher.service("bench"));
    }
    double threads = (ManagementFactory.getThreadMXBean().getThreadCount() - threadsBefore) / (double) WATCHERS;
    double heapKib = (usedHeapAfterGc() - heapBefore) / 1024.0 / WATCHERS;

    DiscoveryClient registering = client(uri);
    clients.add(registering);
    long[] registered = new long[WATCHERS * INSTANCES];
    long[] closed = new long[WATCHERS * INSTANCES];
    List<Registration> registrations = new ArrayList<>();
    for (int i = 0; i < INSTANCES; i++) {
      ServiceInstance instance = ServiceInstance.of("bench", "10.9." + i / 250 + "." + i % 250 + ":80");
      long[] seenAt = new long[WATCHERS];
      Watch all = watch(views, instance, true, seenAt);
      long start = System.nanoTime();
      registrations.add(registering.register(instance));
      all.await(registry + ": instance " + i + " did not reach every watcher");
      for (int w = 0; w < WATCHERS; w++) {
        registered[i * WATCHERS + w] = seenAt[w] - start;
      }
    }
    for (int i = 0; i < INSTANCES; i++) {
      Registration registration = registrations.get(i);
      long[] goneAt = new long[WATCHERS];
      Watch all = watch(views, registration.instance(), false, goneAt);
      long start = System.nanoTime();
      registration.close();
      all.await(registry + ": closing instance " + i + " did not reach every watcher");
      for (int w = 0; w < WATCHERS; w++) {
        closed[i * WATCHERS + w] = goneAt[w] - start;
      }
    }
    for (DiscoveryClient c : clients) {
      c.close();
    }
    String firstLoad = firstLoad(uri);
    return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %.1f | %.0f KiB | %s |", registry,
        ms(percentile(registered, 50)), ms(percentile(registered, 99)), ms(percentile(registered, 100)),
        ms(percentile(closed, 50)), ms(percentile(closed, 99)), ms(percentile(closed, 100)), threads, heapKib, firstLoad);
  }

  /** Waits until every view shows {@code instance} present (or absent), stamping when each did. */
  private static Watch watch(List<ServiceView> views, ServiceInstance instance, boolean present, long[] at) {
    CountDownLatch latch = new CountDownLatch(views.size());
    List<Subscription> subscriptions = new ArrayList<>();
    for (int w = 0; w < views.size(); w++) {
      int watcher = w;
      boolean[] done = new boolean[1];
      subscriptions.add(views.get(w).subscribe(snapshot -> {
        synchronized (done) {
          if (!done[0] && snapshot.instances().contains(instance) == present) {
            done[0] = true;
            at[watcher] = System.nanoTime();
            latch.countDown();
          }
        }
      }));
    }
    return new Watch(latch, subscriptions);
  }

  private record Watch(CountDownLatch latch, List<Subscription> subscriptions) {
    void await(String failure) throws Exception {
      boolean reached = latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
      subscriptions.forEach(Subscription::close);
      if (!reached) {
        throw new IllegalStateException(failure);
      }
    }
  }

  private static String firstLoad(String uri) throws Exception {
    DiscoveryClient registering = client(uri);
    for (int i = 0; i < LARGE; i++) {
      registering.register(ServiceInstance.of("bench-large", "10.8." + i / 250 + "." + i % 250 + ":80"));
    }
    DiscoveryClient check = client(uri);
    ServiceView all = check.service("bench-large");
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (all.instances().size() < LARGE && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50); // a benchmark's setup, not a test
    }
    check.close();
    long[] loads = new long[3];
    for (int i = 0; i < loads.length; i++) {
      DiscoveryClient fresh = client(uri);
      long start = System.nanoTime();
      int size = fresh.service("bench-large").instances().size();
      loads[i] = System.nanoTime() - start;
      fresh.close();
      if (size != LARGE) {
        throw new IllegalStateException("first load saw " + size + " of " + LARGE + " instances");
      }
    }
    registering.close();
    Arrays.sort(loads);
    return ms(loads[1]);
  }

  private static DiscoveryClient client(String uri) {
    return DiscoveryClient.builder().registry(uri).ttl(Duration.ofSeconds(10)).withoutLogging().withoutShutdownHook()
        .withoutProtection().build();
  }

  private static long percentile(long[] samples, int p) {
    long[] sorted = samples.clone();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
