package io.discovery.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.ServiceView;
import io.discovery.client.etcd.EtcdServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar as a process of its own, against a real etcd. */
class AgentProcessIT {
  private static final Path JAR = Path.of("target", "discovery-agent.jar");

  @TempDir
  Path dir;

  private Process start(Path log, String... args) throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  @Test
  void helpExitsZero() throws Exception {
    Path log = dir.resolve("help.log");
    Process help = start(log, "--help");

    assertThat(help.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(help.exitValue()).isZero();
    assertThat(Files.readString(log)).contains("registrar").contains("render").contains("console");
  }

  @Test
  void theConsolePrintsItsUrlServesTheRegistryAndExitsOnSigterm() throws Exception {
    try (EtcdServer etcd = EtcdServer.start();
         DiscoveryClient services = DiscoveryClient.builder().registry(etcd.uri()).withoutShutdownHook().build()) {
      services.register("payments", "127.0.0.1:9001").awaitRegistered(Duration.ofSeconds(10));
      Path log = dir.resolve("console.log");
      Process console = start(log, "console", "--registry", etcd.uri(), "--port", "0");
      try {
        java.util.regex.Pattern url = java.util.regex.Pattern.compile("on (http://127\\.0\\.0\\.1:\\d+/)");
        String address = await("the console prints its URL").atMost(Duration.ofSeconds(30))
            .until(() -> {
              java.util.regex.Matcher m = url.matcher(Files.readString(log));
              return m.find() ? m.group(1) : null;
            }, java.util.Objects::nonNull);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String state = await("payments on /api/services").atMost(Duration.ofSeconds(10)).until(() -> http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(address + "api/services")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body(),
            body -> body.contains("\"hostPort\":\"127.0.0.1:9001\""));
        assertThat(state).contains("\"registry\":\"" + etcd.uri() + "\"");

        console.destroy(); // SIGTERM
        assertThat(console.waitFor(10, TimeUnit.SECONDS)).as("the console exits").isTrue();
      } finally {
        console.destroyForcibly();
      }
    }
  }

  @Test
  void renderOnceWritesTheFileFromTheRegistryAndFailsOnAnEmptyService() throws Exception {
    try (EtcdServer etcd = EtcdServer.start();
         DiscoveryClient services = DiscoveryClient.builder().registry(etcd.uri()).withoutShutdownHook().build()) {
      services.register("payments", "127.0.0.1:9001").awaitRegistered(Duration.ofSeconds(10));
      Path template = dir.resolve("upstream.mustache");
      Files.writeString(template, "upstream payments {\n{{#services.payments}}    server {{hostPort}};\n{{/services.payments}}}\n");
      Path out = dir.resolve("upstream.conf");

      Process once = start(dir.resolve("once.log"), "render", "--once", "--registry", etcd.uri(), "--service", "payments",
          "--template", template.toString(), "--out", out.toString());
      Process empty = start(dir.resolve("empty.log"), "render", "--once", "--registry", etcd.uri(), "--service", "orders",
          "--template", template.toString(), "--out", dir.resolve("orders.conf").toString());

      assertThat(once.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(once.exitValue()).as(Files.readString(dir.resolve("once.log"))).isZero();
      assertThat(Files.readString(out)).isEqualTo("upstream payments {\n    server 127.0.0.1:9001;\n}\n");
      assertThat(empty.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(empty.exitValue()).isEqualTo(1);
      assertThat(Files.readString(dir.resolve("empty.log"))).contains("orders has no instances");
      assertThat(dir.resolve("orders.conf")).doesNotExist();
    }
  }

  @Test
  void theRegistrarRegistersReloadsAndDeregistersEverythingOnSigterm() throws Exception {
    try (EtcdServer etcd = EtcdServer.start();
         DiscoveryClient watcher = DiscoveryClient.builder().registry(etcd.uri()).withoutShutdownHook().build();
         ServerSocket db = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
         ServerSocket cache = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String dbEntry = "  - name: legacy-db\n    address: 127.0.0.1:" + db.getLocalPort()
          + "\n    check: { tcp: true, interval: 200ms }\n";
      String cacheEntry = "  - name: legacy-cache\n    address: 127.0.0.1:" + cache.getLocalPort()
          + "\n    check: { tcp: true, interval: 200ms }\n";
      Path config = dir.resolve("registrar.yaml");
      Files.writeString(config, "services:\n" + dbEntry);
      Path log = dir.resolve("registrar.log");
      Process agent = start(log, "registrar", "--registry", etcd.uri(), "--config", config.toString());
      try {
        ServiceView dbView = watcher.service("legacy-db");
        ServiceView cacheView = watcher.service("legacy-cache");
        await("legacy-db registered").atMost(Duration.ofSeconds(30)).until(() -> dbView.instances().size() == 1);

        Files.writeString(config, "services:\n" + dbEntry + cacheEntry.replace("200ms", "soon"));
        await("the bad reload reported").atMost(Duration.ofSeconds(10))
            .until(() -> Files.readString(log).contains("keeping the last good config"));
        Files.writeString(config, "services:\n" + dbEntry + cacheEntry);
        await("legacy-cache registered after a reload").atMost(Duration.ofSeconds(10))
            .until(() -> cacheView.instances().size() == 1);

        agent.destroy(); // SIGTERM
        long stoppedAt = System.nanoTime();
        await("both deregistered").atMost(Duration.ofSeconds(5))
            .until(() -> dbView.instances().isEmpty() && cacheView.instances().isEmpty());
        long gone = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt);
        assertThat(agent.waitFor(10, TimeUnit.SECONDS)).as("the agent exits").isTrue();
        String output = Files.readString(log);
        System.out.println("registrar: SIGTERM -> both endpoints gone from the view in " + gone + " ms (TTL 10 s)\n" + output);
        assertThat(output)
            .contains("legacy-db 127.0.0.1:" + db.getLocalPort() + " passing (2 of 2): registered")
            .contains("registrar.yaml line 7, services[1].check.interval: invalid duration 'soon'");
      } finally {
        agent.destroyForcibly();
      }
    }
  }
}
