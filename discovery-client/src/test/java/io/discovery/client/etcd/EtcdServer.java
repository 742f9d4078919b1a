package io.discovery.client.etcd;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A real etcd server for tests: the {@code etcd} binary (Debian's etcd-server; the README's test
 * command installs it), on free loopback ports with a temporary data directory. A missing binary
 * fails the test: it is never skipped.
 */
public final class EtcdServer implements AutoCloseable {
  private final Path dataDir;
  private final int clientPort;
  private final int peerPort;
  private final OkHttpClient http;
  /** For a TLS server: its certificate, key and the CA its clients' certificates must come from. */
  private final Path certFile;
  private final Path keyFile;
  private final Path clientCaFile;
  private List<String> extraArgs = List.of();
  private Process process;

  private EtcdServer(OkHttpClient http, Path certFile, Path keyFile, Path clientCaFile) throws IOException {
    dataDir = Files.createTempDirectory("etcd-test");
    clientPort = freePort();
    peerPort = freePort();
    this.http = http;
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.clientCaFile = clientCaFile;
  }

  public static EtcdServer start() {
    return start(new String[0]);
  }

  /** A server with {@code extraArgs} added to etcd's command line, e.g. {@code --max-request-bytes 16384}. */
  public static EtcdServer start(String... extraArgs) {
    try {
      EtcdServer server = new EtcdServer(new OkHttpClient(), null, null, null);
      server.extraArgs = List.of(extraArgs);
      server.startProcess();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A server on https with {@code certFile} / {@code keyFile} (PEM) that requires client
   * certificates signed by {@code clientCaFile} ({@code --client-cert-auth}); {@code http} must be
   * able to connect, for the health check.
   */
  static EtcdServer startTls(Path certFile, Path keyFile, Path clientCaFile, OkHttpClient http) {
    try {
      EtcdServer server = new EtcdServer(http, certFile, keyFile, clientCaFile);
      server.startProcess();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code etcd://127.0.0.1:<port>} ({@code etcd+https://localhost:<port>} with TLS). */
  public String uri() {
    return certFile == null ? "etcd://127.0.0.1:" + clientPort : "etcd+https://localhost:" + clientPort;
  }

  public String endpoint() {
    return certFile == null ? "http://127.0.0.1:" + clientPort : "https://localhost:" + clientPort;
  }

  /** Stops the server (SIGTERM) and waits for it to exit; the data directory stays for {@link #restart()}. */
  void stop() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the server, deletes its data directory and starts it again empty: a registry restored from nothing. */
  void wipe() {
    stop();
    try (Stream<Path> files = Files.walk(dataDir.resolve("data"))) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    restart();
  }

  /**
   * Turns on authentication through the JSON gateway: user root (role root, password
   * {@code rootPassword}), then every user of {@code users} ("name" -> "password"), those whose name
   * starts with "app" with read-write rights on {@code /services/}; others with none.
   */
  void enableAuth(String rootPassword, java.util.Map<String, String> users) {
    EtcdGateway gateway = new EtcdGateway(List.of(okhttp3.HttpUrl.get(endpoint())));
    admin(gateway, "/v3/auth/user/add", "{\"name\":\"root\",\"password\":\"" + rootPassword + "\"}");
    admin(gateway, "/v3/auth/role/add", "{\"name\":\"root\"}");
    admin(gateway, "/v3/auth/user/grant", "{\"user\":\"root\",\"role\":\"root\"}");
    admin(gateway, "/v3/auth/role/add", "{\"name\":\"services-rw\"}");
    admin(gateway, "/v3/auth/role/grant", "{\"name\":\"services-rw\",\"perm\":{\"permType\":\"READWRITE\",\"key\":\""
        + EtcdGateway.base64("/services/") + "\",\"range_end\":\"" + EtcdGateway.base64(EtcdGateway.rangeEnd("/services/")) + "\"}}");
    users.forEach((name, password) -> {
      admin(gateway, "/v3/auth/user/add", "{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}");
      if (name.startsWith("app")) {
        admin(gateway, "/v3/auth/user/grant", "{\"user\":\"" + name + "\",\"role\":\"services-rw\"}");
      }
    });
    admin(gateway, "/v3/auth/enable", "{}");
  }

  private static void admin(EtcdGateway gateway, String path, String json) {
    try {
      EtcdGateway.Reply reply = gateway.post(path, (com.fasterxml.jackson.databind.node.ObjectNode) EtcdGateway.JSON.readTree(json));
      if (!reply.ok()) {
        throw new IllegalStateException("etcd refused " + path + ": " + reply.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the server again on the same ports and data. */
  void restart() {
    try {
      startProcess();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void startProcess() throws IOException {
    String binary = findEtcd();
    String peer = "http://127.0.0.1:" + peerPort;
    List<String> command = new java.util.ArrayList<>(List.of(binary,
        "--name", "test",
        "--data-dir", dataDir.resolve("data").toString(),
        "--listen-client-urls", endpoint().replace("localhost", "127.0.0.1"),
        "--advertise-client-urls", endpoint(),
        "--listen-peer-urls", peer,
        "--initial-advertise-peer-urls", peer,
        "--initial-cluster", "test=" + peer,
        "--log-level", "warn"));
    if (certFile != null) {
      command.addAll(List.of("--cert-file", certFile.toString(), "--key-file", keyFile.toString(),
          "--client-cert-auth", "--trusted-ca-file", clientCaFile.toString()));
    }
    command.addAll(extraArgs);
    process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("etcd.log").toFile()))
        .start();
    await("etcd at " + endpoint() + " healthy (log: " + dataDir.resolve("etcd.log") + ")")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(this::healthy);
  }

  private boolean healthy() throws IOException {
    if (!process.isAlive()) {
      throw new IllegalStateException("etcd exited with " + process.exitValue() + "; see " + dataDir.resolve("etcd.log"));
    }
    try (Response response = http.newCall(new Request.Builder().url(endpoint() + "/health").build()).execute()) {
      return response.isSuccessful() && response.body().string().contains("true");
    }
  }

  /** The etcd binary: ETCD_BIN, else the first on PATH. */
  static String binary() {
    return findEtcd();
  }

  private static String findEtcd() {
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
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      stop();
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
