package io.discovery.client.dns;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real DNS server for tests: dnsmasq (Debian's dnsmasq-base; the README's test command installs
 * it) on a free loopback port, answering only the records it is given, with a short TTL. A missing
 * binary fails the test: it is never skipped.
 */
final class Dnsmasq implements AutoCloseable {
  private final int port;
  private final Path log;
  private Process process;

  private Dnsmasq(int port) throws IOException {
    this.port = port;
    this.log = Files.createTempFile("dnsmasq", ".log");
  }

  /** Starts dnsmasq serving {@code records}: {@code srv-host=...} and {@code host-record=...} lines without the dashes. */
  static Dnsmasq start(List<String> records) {
    try {
      Dnsmasq server = new Dnsmasq(freePort());
      server.restart(records);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replaces the records by restarting on the same port. */
  void restart(List<String> records) {
    stop();
    List<String> command = new ArrayList<>(List.of(binary(), "--keep-in-foreground", "--port=" + port,
        "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts", "--no-negcache",
        "--conf-file=/dev/null", "--user=" + System.getProperty("user.name"), "--pid-file=", "--local-ttl=1",
        "--log-facility=" + log));
    records.forEach(r -> command.add("--" + r));
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    await("dnsmasq on 127.0.0.1:" + port + " (log " + log + ")").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .ignoreExceptions().until(() -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("dnsmasq exited with " + process.exitValue() + "; see " + log);
          }
          return new DnsClient(address(), Duration.ofMillis(200), 1).ask("ready.check", DnsMessage.TYPE_A) != null;
        });
  }

  InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", port);
  }

  String server() {
    return "127.0.0.1:" + port;
  }

  void stop() {
    if (process != null) {
      process.destroy();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  private static String binary() {
    for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(File.pathSeparator)) {
      File candidate = new File(dir, "dnsmasq");
      if (candidate.canExecute()) {
        return candidate.getPath();
      }
    }
    throw new IllegalStateException("dnsmasq is not installed: run the README's test command, which installs Debian's"
        + " dnsmasq-base, or apt-get install dnsmasq-base");
  }

  /** A port free for both UDP and TCP on loopback. */
  private static int freePort() throws IOException {
    for (int i = 0; i < 50; i++) {
      try (ServerSocket tcp = new ServerSocket(0)) {
        int candidate = tcp.getLocalPort();
        try (DatagramSocket udp = new DatagramSocket(candidate)) {
          return candidate;
        } catch (IOException taken) {
          // try another
        }
      }
    }
    throw new IOException("no port free for both UDP and TCP");
  }

  @Override
  public void close() {
    stop();
    log.toFile().delete();
  }
}
