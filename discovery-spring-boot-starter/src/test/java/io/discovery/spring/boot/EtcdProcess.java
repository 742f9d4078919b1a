package io.discovery.spring.boot;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real etcd for the starter's tests, as discovery-client's {@code EtcdServer} starts it: the {@code etcd}
 * binary (ETCD_BIN, else PATH) on free loopback ports with a temporary data directory. A missing binary fails
 * the test; it is never skipped.
 */
final class EtcdProcess implements AutoCloseable {
  private final Path dataDir;
  private final int clientPort;
  private final Process process;
  private final HttpClient http = HttpClient.newHttpClient();

  private EtcdProcess(List<String> extraArgs) throws IOException {
    dataDir = Files.createTempDirectory("etcd-starter-test");
    clientPort = freePort();
    String peer = "http://127.0.0.1:" + freePort();
    List<String> command = new ArrayList<>(List.of(binary(),
        "--name", "test",
        "--data-dir", dataDir.resolve("data").toString(),
        "--listen-client-urls", endpoint(),
        "--advertise-client-urls", endpoint(),
        "--listen-peer-urls", peer,
        "--initial-advertise-peer-urls", peer,
        "--initial-cluster", "test=" + peer,
        "--log-level", "warn"));
    command.addAll(extraArgs);
    process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("etcd.log").toFile()))
        .start();
  }

  /** Starts etcd with {@code extraArgs} added to its command line and waits until it is healthy. */
  static EtcdProcess start(String... extraArgs) {
    try {
      EtcdProcess etcd = new EtcdProcess(List.of(extraArgs));
      await("etcd at " + etcd.endpoint() + " healthy (log: " + etcd.dataDir.resolve("etcd.log") + ")")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .ignoreExceptions()
          .until(etcd::healthy);
      return etcd;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code etcd://127.0.0.1:<port>}. */
  String uri() {
    return "etcd://127.0.0.1:" + clientPort;
  }

  /** The JSON gateway's answer to a POST of {@code json} to {@code path}, e.g. {@code /v3/lease/leases}. */
  String post(String path, String json) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint() + path))
        .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  private String endpoint() {
    return "http://127.0.0.1:" + clientPort;
  }

  private boolean healthy() throws IOException, InterruptedException {
    if (!process.isAlive()) {
      throw new IllegalStateException("etcd exited with " + process.exitValue() + "; see " + dataDir.resolve("etcd.log"));
    }
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 && response.body().contains("true");
  }

  private static String binary() {
    String configured = System.getenv("ETCD_BIN");
    if (configured != null && new File(configured).canExecute()) {
      return configured;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      File candidate = new File(dir, "etcd");
      if (candidate.canExecute()) {
        return candidate.getPath();
      }
    }
    throw new IllegalStateException("the etcd binary is not installed (looked in ETCD_BIN and PATH): "
        + "run the README's test command, which installs Debian's etcd-server, or apt-get install etcd-server");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
