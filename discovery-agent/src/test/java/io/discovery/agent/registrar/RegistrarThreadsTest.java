package io.discovery.agent.registrar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.discovery.client.DiscoveryClient;
import io.discovery.client.memory.MemoryRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The registrar made by {@link Registrar#create}: real threads and probes, all stopped by close. */
class RegistrarThreadsTest {

  private static Set<Thread> liveThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
  }

  /** Threads alive now that were not in {@code before}, but for the client's own (closed after the registrar). */
  private static List<String> startedSince(Set<Thread> before) {
    return liveThreads().stream().filter(t -> !before.contains(t)).map(Thread::getName)
        .filter(name -> !name.startsWith("discovery-")).sorted().toList();
  }

  @Test
  void registersThroughRealProbesAndCloseStopsEveryThreadItStarted() throws IOException {
    String name = "threads-" + UUID.randomUUID();
    MemoryRegistry registry = MemoryRegistry.named(name);
    HttpServer web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    web.createContext("/health", exchange -> {
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    web.start();
    try (ServerSocket legacy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
         DiscoveryClient client = DiscoveryClient.builder().registry("memory://" + name).withoutShutdownHook().build()) {
      Set<Thread> before = liveThreads();
      Registrar registrar = Registrar.create(client);
      registrar.apply(RegistrarConfig.parse("services:\n"
          + "  - name: legacy\n    address: 127.0.0.1:" + legacy.getLocalPort() + "\n    check: { tcp: true, interval: 100ms }\n"
          + "  - name: web\n    address: 127.0.0.1:" + web.getAddress().getPort()
          + "\n    check: { http: \"http://127.0.0.1:" + web.getAddress().getPort() + "/health\", interval: 100ms }\n",
          "registrar.yaml"));

      await("registered").atMost(Duration.ofSeconds(10))
          .until(() -> registry.instances("legacy").size() == 1 && registry.instances("web").size() == 1);
      assertThat(startedSince(before)).contains("registrar-timer-1", "registrar-check-1");

      registrar.close();

      await("every thread the registrar started ends").atMost(Duration.ofSeconds(5)).pollInSameThread()
          .untilAsserted(() -> assertThat(startedSince(before)).isEmpty());
      assertThat(registry.instances("legacy")).as("the client, not the registrar, deregisters on close").hasSize(1);
    } finally {
      web.stop(0);
    }
    assertThat(registry.instances("legacy")).isEmpty();
  }
}
