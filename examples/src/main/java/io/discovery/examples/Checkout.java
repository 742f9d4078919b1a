package io.discovery.examples;

import io.discovery.client.ServiceInstance;
import io.discovery.loadbalancer.CallHandle;
import io.discovery.loadbalancer.LoadBalancer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** The caller: picks an instance for every request through a {@link LoadBalancer} and keeps score. */
final class Checkout implements AutoCloseable {
  private final OkHttpClient http = new OkHttpClient.Builder().callTimeout(5, TimeUnit.SECONDS).build();
  private final ExecutorService workers = Executors.newFixedThreadPool(8, r -> {
    Thread t = new Thread(r, "checkout-worker");
    t.setDaemon(true);
    return t;
  });
  long requests;
  long failures;

  /** Counts and latencies per instance of one run. */
  record Result(Map<String, Integer> perInstance, List<Long> latenciesNanos, int failures, long wallMillis) {
    /** One line: counts per instance, latency percentiles and wall time. */
    String summary() {
      return perInstance + "  p50 " + percentile(0.5) + "  p99 " + percentile(0.99) + "  in " + wallMillis + " ms";
    }

    String percentile(double p) {
      if (latenciesNanos.isEmpty()) {
        return "-";
      }
      List<Long> sorted = new ArrayList<>(latenciesNanos);
      Collections.sort(sorted);
      long nanos = sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
      return String.format("%.1f ms", nanos / 1e6);
    }
  }

  /** Sends {@code count} requests from {@code concurrency} threads. */
  Result run(LoadBalancer lb, int count, int concurrency) throws Exception {
    Map<String, Integer> perInstance = new TreeMap<>();
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    int[] failed = new int[1];
    List<Future<?>> futures = new ArrayList<>();
    int perThread = count / concurrency;
    long started = System.nanoTime();
    for (int t = 0; t < concurrency; t++) {
      futures.add(workers.submit(() -> {
        for (int i = 0; i < perThread; i++) {
          try (CallHandle call = lb.begin()) {
            ServiceInstance instance = call.instance();
            long start = System.nanoTime();
            boolean ok = get(instance);
            latencies.add(System.nanoTime() - start);
            synchronized (perInstance) {
              perInstance.merge(instance.hostPort(), 1, Integer::sum);
              if (!ok) {
                failed[0]++;
              }
            }
          }
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    synchronized (perInstance) {
      requests += (long) perThread * concurrency;
      failures += failed[0];
      return new Result(perInstance, latencies, failed[0], (System.nanoTime() - started) / 1_000_000);
    }
  }

  /** One request to {@code instance}; true if it answered 2xx. */
  boolean get(ServiceInstance instance) {
    return get("http://" + instance.hostPort() + "/charge");
  }

  /** Makes the instance at {@code hostPort} take {@code millis} longer for every request. */
  boolean slowDown(String hostPort, int millis) {
    return get("http://" + hostPort + "/slow?ms=" + millis);
  }

  private boolean get(String url) {
    try (Response response = http.newCall(new Request.Builder().url(url).build()).execute()) {
      return response.isSuccessful();
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    workers.shutdownNow();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
