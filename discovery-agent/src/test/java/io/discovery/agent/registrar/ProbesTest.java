package io.discovery.agent.registrar;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real probes against servers on loopback. */
class ProbesTest {
  private final Probes probes = new Probes();
  private final ExecutorService serverThreads = Executors.newCachedThreadPool();
  private final CountDownLatch release = new CountDownLatch(1);
  private HttpServer server;

  @AfterEach
  void stop() {
    release.countDown();
    if (server != null) {
      server.stop(0);
    }
    serverThreads.shutdownNow();
  }

  private String http() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(serverThreads);
    server.createContext("/ok", exchange -> {
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    server.createContext("/down", exchange -> {
      exchange.sendResponseHeaders(503, -1);
      exchange.close();
    });
    server.createContext("/slow", exchange -> {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static EndpointConfig endpoint(String address, String check) {
    return RegistrarConfig.parse("services:\n  - name: legacy\n    address: " + address + "\n    check: " + check + "\n",
        "test.yaml").services().get(0);
  }

  @Test
  void httpPassesOn2xxAndFailsOnOtherStatuses() throws IOException {
    String base = http();

    CheckResult ok = probes.check(endpoint("127.0.0.1:1", "{ http: \"" + base + "/ok\" }"));
    CheckResult down = probes.check(endpoint("127.0.0.1:1", "{ http: \"" + base + "/down\" }"));

    assertThat(ok).isEqualTo(CheckResult.pass("HTTP 204"));
    assertThat(down).isEqualTo(CheckResult.fail("HTTP 503 from " + base + "/down"));
  }

  @Test
  void httpFailsWhenNoAnswerComesWithinTheTimeout() throws IOException {
    String base = http();
    long start = System.nanoTime();

    CheckResult slow = probes.check(endpoint("127.0.0.1:1", "{ http: \"" + base + "/slow\", interval: 1s, timeout: 300ms }"));

    assertThat(slow.passed()).isFalse();
    assertThat(slow.detail()).contains("/slow");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void httpFailsWhenNothingListens() throws IOException {
    int port = freePort();

    CheckResult refused = probes.check(endpoint("127.0.0.1:1", "{ http: \"http://127.0.0.1:" + port + "/\" }"));

    assertThat(refused.passed()).isFalse();
    assertThat(refused.detail()).startsWith("http://127.0.0.1:" + port + "/: ").containsIgnoringCase("connection refused");
  }

  @Test
  void tcpPassesWhenTheAddressAcceptsAndFailsWhenRefused() throws IOException {
    try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      assertThat(probes.check(endpoint("127.0.0.1:" + listening.getLocalPort(), "{ tcp: true }")))
          .isEqualTo(CheckResult.pass("connected"));
    }
    int port = freePort();
    CheckResult refused = probes.check(endpoint("127.0.0.1:" + port, "{ tcp: true }"));
    assertThat(refused.passed()).isFalse();
    assertThat(refused.detail()).startsWith("127.0.0.1:" + port + ": ").containsIgnoringCase("connection refused");
  }

  @Test
  void scriptPassesOnExitZeroAndReportsTheFirstLineOfItsOutputOtherwise() {
    assertThat(probes.check(endpoint("127.0.0.1:1", "{ script: [\"sh\", \"-c\", \"exit 0\"] }")).passed()).isTrue();

    CheckResult failed = probes.check(endpoint("127.0.0.1:1", "{ script: [\"sh\", \"-c\", \"echo not master; echo more; exit 3\"] }"));

    assertThat(failed).isEqualTo(CheckResult.fail("exit 3: not master ..."));
  }

  @Test
  void aScriptStillRunningAtItsTimeoutIsKilledAndFails() {
    long start = System.nanoTime();

    CheckResult result = probes.check(endpoint("127.0.0.1:1", "{ script: [\"sleep\", \"60\"], interval: 2s, timeout: 300ms }"));

    assertThat(result).isEqualTo(CheckResult.fail("no exit within 300ms: killed"));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
