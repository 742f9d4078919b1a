package io.discovery.zookeeper;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A three-server ZooKeeper ensemble on loopback, each server a {@code QuorumPeerMain} process of its
 * own, so that a server can be killed (SIGKILL) and started again on the same ports and data.
 */
final class ZooKeeperEnsemble implements AutoCloseable, io.discovery.client.QuorumScenario.Cluster {
  private static final int SIZE = 3;
  /** Short ticks: sessions may be as short as 2 ticks, and elections take a few ticks. */
  private static final int TICK_MILLIS = 250;

  private final Path dir;
  private final int[] clientPorts = new int[SIZE];
  private final Process[] servers = new Process[SIZE];

  private ZooKeeperEnsemble(Path dir) throws IOException {
    this.dir = dir;
    List<String> peers = new ArrayList<>();
    for (int i = 0; i < SIZE; i++) {
      clientPorts[i] = freePort();
      peers.add("server." + (i + 1) + "=127.0.0.1:" + freePort() + ":" + freePort());
    }
    for (int i = 0; i < SIZE; i++) {
      Path data = Files.createDirectories(dir.resolve("server-" + (i + 1)));
      Files.writeString(data.resolve("myid"), Integer.toString(i + 1));
      Files.writeString(dir.resolve("zoo-" + (i + 1) + ".cfg"), String.join("\n",
          "tickTime=" + TICK_MILLIS, "initLimit=20", "syncLimit=8", "dataDir=" + data,
          "clientPort=" + clientPorts[i], "clientPortAddress=127.0.0.1",
          "minSessionTimeout=" + 2 * TICK_MILLIS, "maxSessionTimeout=60000",
          "admin.enableServer=false", "4lw.commands.whitelist=srvr", "extendedTypesEnabled=true",
          String.join("\n", peers)) + "\n");
    }
  }

  /** Starts the three servers and waits until they have a leader. */
  static ZooKeeperEnsemble start() {
    try {
      ZooKeeperEnsemble ensemble = new ZooKeeperEnsemble(Files.createTempDirectory("zk-ensemble"));
      for (int i = 0; i < SIZE; i++) {
        ensemble.launch(i);
      }
      ensemble.awaitHealthy();
      return ensemble;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code zookeeper://h1,h2,h3/services}. */
  String uri() {
    return "zookeeper://" + connectString() + "/services";
  }

  String connectString() {
    return java.util.Arrays.stream(clientPorts).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  /** The index of the server that leads now, or -1. */
  @Override
  public int leader() {
    for (int i = 0; i < SIZE; i++) {
      if (servers[i] != null && "leader".equals(mode(i))) {
        return i;
      }
    }
    return -1;
  }

  /** Kills a server (SIGKILL): no goodbye to its peers or clients. */
  @Override
  public void stop(int server) {
    Process process = servers[server];
    servers[server] = null;
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("ZooKeeper server " + (server + 1) + " did not die");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts a killed server again on its ports and data. */
  @Override
  public void restart(int server) {
    try {
      launch(server);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until every running server serves: one leads, the others follow. */
  @Override
  public void awaitHealthy() {
    await("a ZooKeeper ensemble with a leader").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
      int leaders = 0;
      for (int i = 0; i < SIZE; i++) {
        if (servers[i] == null) {
          continue;
        }
        String mode = mode(i);
        if (mode == null) {
          return false;
        }
        leaders += mode.equals("leader") ? 1 : 0;
      }
      return leaders == 1;
    });
  }

  /** "leader" or "follower" from the server's {@code srvr} command, or null while it does not serve. */
  private String mode(int server) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", clientPorts[server]), 500);
      socket.setSoTimeout(1000);
      OutputStream out = socket.getOutputStream();
      out.write("srvr".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      for (String line : answer.split("\n")) {
        if (line.startsWith("Mode: ")) {
          return line.substring("Mode: ".length()).trim();
        }
      }
      return null; // "This ZooKeeper instance is not currently serving requests"
    } catch (IOException e) {
      return null;
    }
  }

  private void launch(int server) throws IOException {
    servers[server] = new ProcessBuilder(
        new File(System.getProperty("java.home"), "bin/java").getPath(), "-Xmx96m", "-XX:+UseSerialGC",
        "-Dzookeeper.jmx.log4j.disable=true", "-cp", System.getProperty("java.class.path"),
        "org.apache.zookeeper.server.quorum.QuorumPeerMain", dir.resolve("zoo-" + (server + 1) + ".cfg").toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server-" + (server + 1) + ".log").toFile()))
        .start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    for (int i = 0; i < SIZE; i++) {
      if (servers[i] != null) {
        stop(i);
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
