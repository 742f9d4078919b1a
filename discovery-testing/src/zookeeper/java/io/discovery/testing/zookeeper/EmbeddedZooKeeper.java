package io.discovery.testing.zookeeper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * A single ZooKeeper server inside this JVM, on a loopback port, for tests and demos (not for
 * production); discovery-testing brings the server's {@code metrics-core} and {@code snappy-java},
 * which the zookeeper artifact does not. It can be stopped and started again on the same port and
 * data, as a server restart.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {
  private final Path baseDir;
  private final int port;
  private final Duration tick;
  private ZooKeeperServerEmbedded server;

  private EmbeddedZooKeeper(Path baseDir, int port, Duration tick) {
    this.baseDir = baseDir;
    this.port = port;
    this.tick = tick;
  }

  /**
   * Starts a server on a free port with a fresh data directory. Sessions may last from two ticks to
   * 60 s; a short {@code tick} (e.g. 250 ms) lets tests use short session timeouts. Waits up to
   * 30 s for the server to start.
   *
   * @param tick ZooKeeper's {@code tickTime}, whole milliseconds
   * @return the running server; close it to stop it and delete its data
   * @throws IllegalStateException if the server does not start
   * @throws java.io.UncheckedIOException if the data directory cannot be created
   */
  public static EmbeddedZooKeeper start(Duration tick) {
    return start(0, tick);
  }

  /**
   * Starts a server on {@code port} with a fresh data directory; see {@link #start(Duration)}.
   *
   * @param port the loopback port to listen on, or 0 for a free one
   * @param tick ZooKeeper's {@code tickTime}, whole milliseconds
   * @return the running server; close it to stop it and delete its data
   * @throws IllegalStateException if the server does not start (e.g. the port is taken)
   * @throws java.io.UncheckedIOException if the data directory cannot be created
   */
  public static EmbeddedZooKeeper start(int port, Duration tick) {
    try {
      if (port == 0) {
        try (ServerSocket socket = new ServerSocket(0)) {
          port = socket.getLocalPort();
        }
      }
      EmbeddedZooKeeper zk = new EmbeddedZooKeeper(Files.createTempDirectory("zookeeper"), port, tick);
      zk.restart();
      return zk;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The registry URI of this server, for {@code DiscoveryClient.create}.
   *
   * @return {@code zookeeper://127.0.0.1:<port>}, without a base path
   */
  public String uri() {
    return "zookeeper://" + connectString();
  }

  /**
   * The connect string of this server, for a ZooKeeper or Curator client.
   *
   * @return {@code 127.0.0.1:<port>}
   */
  public String connectString() {
    return "127.0.0.1:" + port;
  }

  /**
   * The loopback port this server listens on, the same across {@link #stop()} and {@link #restart()}.
   *
   * @return the client port
   */
  public int port() {
    return port;
  }

  /** Stops the server; sessions survive if it is started again within their timeout. */
  public synchronized void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /** Starts the server (again) on the same port and data. */
  public synchronized void restart() {
    if (server != null) {
      return;
    }
    Properties config = new Properties();
    config.setProperty("clientPort", Integer.toString(port));
    config.setProperty("clientPortAddress", "127.0.0.1");
    config.setProperty("tickTime", Long.toString(tick.toMillis()));
    config.setProperty("minSessionTimeout", Long.toString(2 * tick.toMillis()));
    config.setProperty("maxSessionTimeout", "60000");
    config.setProperty("admin.enableServer", "false");
    config.setProperty("4lw.commands.whitelist", "");
    config.setProperty("extendedTypesEnabled", "true");
    try {
      server = ZooKeeperServerEmbedded.builder()
          .baseDir(baseDir)
          .configuration(config)
          .exitHandler(ExitHandler.LOG_ONLY)
          .build();
      server.start(Duration.ofSeconds(30).toMillis());
    } catch (Exception e) {
      server = null;
      throw new IllegalStateException("could not start the embedded ZooKeeper on port " + port + ": " + e.getMessage(), e);
    }
  }

  /** Where the server keeps its data; deleted by {@link #close()}. */
  Path baseDir() {
    return baseDir;
  }

  /** Stops the server and deletes its data. */
  @Override
  public synchronized void close() {
    stop();
    try (Stream<Path> files = Files.walk(baseDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
