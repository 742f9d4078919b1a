package io.discovery.client.etcd;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import okhttp3.HttpUrl;

/** A real three-member etcd cluster on loopback for tests: members stop and start one by one. */
final class EtcdCluster implements AutoCloseable, io.discovery.client.QuorumScenario.Cluster {
  private static final int SIZE = 3;
  private final Path dir;
  private final int[] clientPorts = new int[SIZE];
  private final int[] peerPorts = new int[SIZE];
  private final Process[] processes = new Process[SIZE];

  private EtcdCluster() throws IOException {
    dir = Files.createTempDirectory("etcd-cluster");
    for (int i = 0; i < SIZE; i++) {
      clientPorts[i] = freePort();
      peerPorts[i] = freePort();
    }
  }

  static EtcdCluster start() {
    try {
      EtcdCluster cluster = new EtcdCluster();
      for (int i = 0; i < SIZE; i++) {
        cluster.launch(i);
      }
      cluster.awaitHealthy();
      return cluster;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code etcd://m0,m1,m2}. */
  String uri() {
    return "etcd://" + Stream.of(0, 1, 2).map(i -> "127.0.0.1:" + clientPorts[i]).collect(Collectors.joining(","));
  }

  /** The index of the member that leads now. */
  @Override
  public int leader() {
    for (int i = 0; i < SIZE; i++) {
      if (processes[i] != null && processes[i].isAlive()) {
        try {
          JsonNode status = gateway(i).post("/v3/maintenance/status", EtcdGateway.JSON.createObjectNode()).body();
          String leader = status.path("leader").asText();
          if (!leader.isEmpty() && leader.equals(status.path("header").path("member_id").asText())) {
            return i;
          }
        } catch (RuntimeException unreachable) {
          // ask the next one
        }
      }
    }
    throw new IllegalStateException("no member of " + uri() + " leads");
  }

  @Override
  public void stop(int member) {
    Process p = processes[member];
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Freezes a member (SIGSTOP): its sockets stay open and nothing answers, as a hung host. */
  void pause(int member) {
    signal(member, "-STOP");
  }

  /** Lets a paused member run again (SIGCONT). */
  void resume(int member) {
    signal(member, "-CONT");
  }

  private void signal(int member, String signal) {
    try {
      Process kill = new ProcessBuilder("kill", signal, Long.toString(processes[member].pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill " + signal + " of etcd member " + member + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void restart(int member) {
    try {
      launch(member);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until a leader is elected and every running member answers. */
  @Override
  public void awaitHealthy() {
    await("etcd cluster " + uri() + " healthy (logs in " + dir + ")").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
          leader();
          for (int i = 0; i < SIZE; i++) {
            if (processes[i].isAlive() && !gateway(i).post("/v3/kv/range", EtcdGateway.JSON.createObjectNode()
                .put("key", EtcdGateway.base64("health"))).ok()) {
              return false;
            }
          }
          return true;
        });
  }

  private EtcdGateway gateway(int member) {
    return new EtcdGateway(List.of(HttpUrl.get("http://127.0.0.1:" + clientPorts[member])));
  }

  private void launch(int member) throws IOException {
    String peers = Stream.of(0, 1, 2).map(i -> "m" + i + "=http://127.0.0.1:" + peerPorts[i]).collect(Collectors.joining(","));
    String client = "http://127.0.0.1:" + clientPorts[member];
    String peer = "http://127.0.0.1:" + peerPorts[member];
    List<String> command = new ArrayList<>(List.of(EtcdServer.binary(),
        "--name", "m" + member,
        "--data-dir", dir.resolve("m" + member).toString(),
        "--listen-client-urls", client, "--advertise-client-urls", client,
        "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
        "--initial-cluster", peers, "--initial-cluster-state", "new", "--initial-cluster-token", dir.getFileName().toString(),
        "--heartbeat-interval", "50", "--election-timeout", "500",
        "--log-level", "warn"));
    processes[member] = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("m" + member + ".log").toFile())).start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    for (int i = 0; i < SIZE; i++) {
      if (processes[i] != null && processes[i].isAlive()) {
        stop(i);
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
