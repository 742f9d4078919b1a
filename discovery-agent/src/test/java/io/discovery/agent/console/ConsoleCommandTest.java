package io.discovery.agent.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.discovery.agent.AgentMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code console}: its options, the registries it refuses, and Consul's critical checks wired in. */
class ConsoleCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private CommandLine commandLine() {
    CommandLine commandLine = AgentMain.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine;
  }

  /** The console command as parsed from {@code args}, not run. */
  private ConsoleCommand parsed(String... args) {
    CommandLine top = commandLine();
    List<String> all = new ArrayList<>(List.of("console"));
    all.addAll(List.of(args));
    top.parseArgs(all.toArray(String[]::new));
    return top.getSubcommands().get("console").getCommand();
  }

  @Test
  void helpListsTheOptionsAndTheApi() {
    assertThat(commandLine().execute("console", "--help")).isZero();
    assertThat(out.toString()).contains("--registry").contains("--port").contains("--bind").contains("--refresh")
        .contains("/api/services").contains("/api/events");
  }

  @Test
  void itListensOnLoopbackPort8500ByDefault() {
    ConsoleCommand command = parsed("--registry", "memory://console-command");

    assertThat(command.port).isEqualTo(8500);
    assertThat(command.address().getAddress().isLoopbackAddress()).isTrue();
    assertThat(command.refresh).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void aDnsRegistryIsRefusedWithTheReason() {
    assertThat(commandLine().execute("console", "--registry", "dns+srv://service.consul?server=127.0.0.1:8600", "--port", "0"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("DNS cannot list").contains("consul://127.0.0.1:8500");
  }

  @Test
  void aBadPortOrBindAddressIsAUsageError() {
    assertThat(commandLine().execute("console", "--registry", "memory://console-command", "--port", "70000")).isEqualTo(2);
    assertThat(err.toString()).contains("invalid --port 70000");
    assertThat(commandLine().execute("console", "--registry", "memory://console-command", "--port", "0",
        "--bind", "no-such-host.invalid")).isEqualTo(2);
    assertThat(err.toString()).contains("invalid --bind 'no-such-host.invalid'");
  }

  @Test
  void aZeroRefreshIsAUsageErrorInTheUnitsTheUserWrites() {
    assertThat(commandLine().execute("console", "--registry", "memory://console-command", "--port", "0", "--refresh", "0s"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("invalid refresh interval 0ms: expected more than zero").doesNotContain("PT0S");
  }

  @Test
  void aTakenPortIsNamedInTheError() throws Exception {
    String registry = "memory://console-" + UUID.randomUUID();
    ConsoleCommand first = parsed("--registry", registry, "--port", "0");
    try (ConsoleCommand.Started running = first.start()) {
      int port = running.console().address().getPort();
      assertThat(out.toString()).contains("console of " + registry + " on http://127.0.0.1:" + port + "/");

      assertThat(commandLine().execute("console", "--registry", registry, "--port", Integer.toString(port))).isEqualTo(2);
      assertThat(err.toString()).contains("cannot listen on 127.0.0.1:" + port).contains("--port");
    }
  }

  @Test
  void withConsulTheCriticalChecksAreShownPerServiceAndPerNode() throws Exception {
    CountDownLatch closing = new CountDownLatch(1);
    try (MockWebServer agent = new MockWebServer()) {
      agent.setDispatcher(new FakeConsulAgent(closing));
      agent.start();
      ConsoleCommand command = parsed("--registry", "consul://127.0.0.1:" + agent.getPort() + "?token=s3cret",
          "--port", "0", "--refresh", "100ms");
      try (ConsoleCommand.Started running = command.start()) {
        HttpClient http = HttpClient.newHttpClient();
        JsonNode state = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> JSON.readTree(
                http.send(HttpRequest.newBuilder(running.console().uri().resolve("/api/services")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()),
            s -> s.path("services").size() == 2 && s.path("services").get(1).path("instances").size() == 1);

        assertThat(state.path("registry").asText()).doesNotContain("s3cret");
        assertThat(state.path("checksKnown").asBoolean()).isTrue();
        JsonNode web = state.path("services").get(1);
        assertThat(web.path("name").asText()).isEqualTo("web");
        assertThat(web.path("health").path("passing").asInt()).isEqualTo(1);
        JsonNode critical = web.path("health").path("critical");
        assertThat(critical).hasSize(1);
        assertThat(critical.get(0).path("serviceId").asText()).isEqualTo("web-2");
        assertThat(critical.get(0).path("node").asText()).isEqualTo("node-2");
        assertThat(critical.get(0).path("output").asText()).isEqualTo("HTTP GET http://10.0.0.2:80/health: 503 <b>down</b>");
        assertThat(state.path("services").get(0).path("health").path("critical")).isEmpty();
        assertThat(state.path("nodeChecks")).hasSize(1);
        assertThat(state.path("nodeChecks").get(0).path("checkId").asText()).isEqualTo("serfHealth");
      } finally {
        closing.countDown();
      }
    }
    assertThat(out.toString()).doesNotContain("s3cret");
  }

  /**
   * A Consul agent with two services: consul (no passing instance) and web, whose web-1 passes and
   * web-2 fails its check; node-3 fails serfHealth. Blocking queries are held briefly.
   */
  private static final class FakeConsulAgent extends Dispatcher {
    private final CountDownLatch closing;

    FakeConsulAgent(CountDownLatch closing) {
      this.closing = closing;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
      String path = request.getUrl().encodedPath();
      String index = request.getUrl().queryParameter("index");
      if (path.startsWith("/v1/health/service/") && index != null && !index.equals("0")) {
        closing.await(300, TimeUnit.MILLISECONDS); // a blocking query with no change to report
      }
      return switch (path) {
        case "/v1/catalog/services" -> json("{\"consul\":[],\"web\":[\"blue\"]}");
        case "/v1/health/service/consul" -> json("[]");
        case "/v1/health/service/web" -> json("[{\"Node\":{\"Node\":\"node-1\",\"Address\":\"10.0.0.1\"},"
            + "\"Service\":{\"ID\":\"web-1\",\"Service\":\"web\",\"Tags\":[\"blue\"],\"Address\":\"10.0.0.1\","
            + "\"Meta\":{\"version\":\"1.4\"},\"Port\":80,\"Weights\":{\"Passing\":1,\"Warning\":1}},\"Checks\":[]}]");
        case "/v1/health/state/critical" -> json("[{\"Node\":\"node-2\",\"CheckID\":\"service:web-2\","
            + "\"Name\":\"Service 'web' check\",\"Status\":\"critical\","
            + "\"Output\":\"HTTP GET http://10.0.0.2:80/health: 503 <b>down</b>\",\"ServiceID\":\"web-2\",\"ServiceName\":\"web\"},"
            + "{\"Node\":\"node-3\",\"CheckID\":\"serfHealth\",\"Name\":\"Serf Health Status\",\"Status\":\"critical\","
            + "\"Output\":\"Agent not live or unreachable\",\"ServiceID\":\"\",\"ServiceName\":\"\"}]");
        default -> new MockResponse.Builder().code(404).body("no such path in this fake: " + path).build();
      };
    }

    private static MockResponse json(String body) {
      return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
          .addHeader("X-Consul-Index", "7").body(body).build();
    }
  }
}
