package io.discovery.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.discovery.agent.console.Console;
import io.discovery.agent.registrar.Registrar;
import io.discovery.agent.registrar.RegistrarConfig;
import io.discovery.agent.render.Renderer;
import io.discovery.agent.render.Templates;
import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import io.discovery.client.time.Scheduler;
import io.discovery.testing.zookeeper.EmbeddedZooKeeper;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** registrar, render and console on a real ZooKeeper server: the agent goes through the public API, so any backend serves it. */
class AgentOnZooKeeperIT {
  private static final Duration DEADLINE = Duration.ofSeconds(15);

  @TempDir
  Path dir;

  @Test
  void theRegistrarRegistersAPassingEndpointInZooKeeperAndDeregistersItWhenItFails() throws Exception {
    try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(Duration.ofMillis(200));
         DiscoveryClient registrarClient = DiscoveryClient.builder().registry(zk.uri() + "/services").ttl(Duration.ofSeconds(2))
             .withoutShutdownHook().build();
         DiscoveryClient watcher = DiscoveryClient.builder().registry(zk.uri() + "/services").withoutShutdownHook().build();
         Registrar registrar = Registrar.create(registrarClient)) {
      ServerSocket legacy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      int port = legacy.getLocalPort();
      registrar.apply(RegistrarConfig.parse("services:\n  - name: legacy-db\n    address: 127.0.0.1:" + port
          + "\n    check: { tcp: true, interval: 100ms, timeout: 100ms }\n    metadata: { role: primary }\n", "registrar.yaml"));
      ServiceView view = watcher.service("legacy-db");

      await("registered after 2 passes").atMost(DEADLINE).until(() -> view.instances().size() == 1);
      assertThat(view.instances().get(0).metadata()).containsEntry("role", "primary");
      assertThat(view.instances().get(0).port()).isEqualTo(port);

      legacy.close();

      await("deregistered after 2 failures").atMost(DEADLINE).until(() -> view.instances().isEmpty());
      assertThat(registrarClient.registrations()).isEmpty();
    }
  }

  @Test
  void renderAndTheConsoleFollowAZooKeeperRegistry() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(Duration.ofMillis(200));
         DiscoveryClient services = DiscoveryClient.builder().registry(zk.uri() + "/services").ttl(Duration.ofSeconds(2))
             .withoutShutdownHook().build();
         DiscoveryClient watcher = DiscoveryClient.builder().registry(zk.uri() + "/services").ttl(Duration.ofSeconds(2))
             .withoutShutdownHook().build();
         Scheduler renderThread = Scheduler.threads("render-zk", 1)) {
      services.register(ServiceInstance.of("billing", "10.0.0.1:8080"));
      Registration leaving = services.register(ServiceInstance.of("billing", "10.0.0.2:8080"));
      assertThat(leaving.awaitRegistered(DEADLINE)).isTrue();
      Path out = dir.resolve("upstream.conf");
      Renderer renderer = new Renderer(List.of(watcher.service("billing")),
          Templates.compile("{{#services.billing}}server {{hostPort}};\n{{/services.billing}}", "zk"),
          new Renderer.Options(out, Duration.ofMillis(50), null, Duration.ofSeconds(5), false), renderThread);
      renderer.start();
      Console console = Console.builder(watcher).registry(zk.uri()).refresh(Duration.ofMillis(100))
          .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).start();
      try {
        await().atMost(DEADLINE).until(() -> Files.exists(out) && Files.readString(out).contains("server 10.0.0.2:8080;"));
        await().atMost(DEADLINE).until(() -> state(http, console).contains("10.0.0.2:8080"));

        leaving.close();

        await().atMost(DEADLINE).until(() -> !Files.readString(out).contains("10.0.0.2:8080"));
        await().atMost(DEADLINE).until(() -> !state(http, console).contains("10.0.0.2:8080"));
        assertThat(Files.readString(out)).isEqualTo("server 10.0.0.1:8080;\n");
        assertThat(state(http, console)).contains("10.0.0.1:8080");
      } finally {
        console.close();
        renderer.close();
      }
    }
  }

  private static String state(HttpClient http, Console console) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(console.uri().resolve("/api/services")).timeout(DEADLINE).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }
}
