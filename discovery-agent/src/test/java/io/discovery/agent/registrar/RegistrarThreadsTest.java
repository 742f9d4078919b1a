package io.discovery.agent.registrar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.memory.MemoryRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The registrar made by {@link Registrar#create}: real threads and probes, all stopped by close. */
class RegistrarThreadsTest {

  private static List<String> registrarThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(name -> name.startsWith("registrar-")).toList();
  }

  @Test
  void registersThroughARealProbeAndCloseStopsEveryThreadItStarted() throws IOException {
    String name = "threads-" + UUID.randomUUID();
    MemoryRegistry registry = MemoryRegistry.named(name);
    try (ServerSocket legacy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
         DiscoveryClient client = DiscoveryClient.builder().registry("memory://" + name).withoutShutdownHook().build()) {
      Registrar registrar = Registrar.create(client);
      registrar.apply(RegistrarConfig.parse("services:\n  - name: legacy\n    address: 127.0.0.1:" + legacy.getLocalPort()
          + "\n    check: { tcp: true, interval: 100ms }\n", "registrar.yaml"));

      await("registered").atMost(Duration.ofSeconds(10)).until(() -> registry.instances("legacy").size() == 1);
      assertThat(registrarThreads()).contains("registrar-timer-1", "registrar-check-1");

      registrar.close();

      await("the registrar's threads end").atMost(Duration.ofSeconds(5)).until(() -> registrarThreads().isEmpty());
      assertThat(registry.instances("legacy")).as("the client, not the registrar, deregisters on close").hasSize(1);
    }
    assertThat(registry.instances("legacy")).isEmpty();
  }
}
