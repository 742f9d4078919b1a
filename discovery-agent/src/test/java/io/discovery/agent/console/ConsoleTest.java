package io.discovery.agent.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import io.discovery.client.ServiceInstance;
import io.discovery.client.memory.MemoryRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The console against an in-memory registry: its JSON API, its event stream, and what it lets go of. */
class ConsoleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private final String name = "console-" + UUID.randomUUID();
  private final MemoryRegistry registry = MemoryRegistry.named(name);
  private final DiscoveryClient services = client();
  private final DiscoveryClient reader = client();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<AutoCloseable> closing = new ArrayList<>();

  private DiscoveryClient client() {
    return DiscoveryClient.builder().registry("memory://" + name).withoutShutdownHook().build();
  }

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    reader.close();
    services.close();
  }

  private Console start(Console.Builder builder) {
    Console console = builder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).start();
    closing.add(console);
    return console;
  }

  private Console start() {
    return start(Console.builder(reader).registry("memory://" + name).refresh(Duration.ofMillis(50)));
  }

  private HttpResponse<String> get(Console console, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(console.uri().resolve(path)).timeout(DEADLINE).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode state(Console console) throws IOException, InterruptedException {
    HttpResponse<String> response = get(console, "/api/services");
    assertThat(response.statusCode()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static List<String> ids(JsonNode state, String service) {
    List<String> ids = new ArrayList<>();
    for (JsonNode s : state.path("services")) {
      if (s.path("name").asText().equals(service)) {
        s.path("instances").forEach(i -> ids.add(i.path("id").asText()));
      }
    }
    return ids;
  }

  private static List<String> names(JsonNode state) {
    List<String> names = new ArrayList<>();
    state.path("services").forEach(s -> names.add(s.path("name").asText()));
    return names;
  }

  @Test
  void aRegisteredInstanceAppearsInTheApiWithEveryField() throws Exception {
    services.register(ServiceInstance.builder("payments", "10.1.2.3:8443").id("payments-1").secure().weight(5)
        .zone("eu-1a").metadata("version", "2.1").build()).awaitRegistered(DEADLINE);
    Console console = start();

    await().atMost(DEADLINE).until(() -> ids(state(console), "payments").contains("payments-1"));
    HttpResponse<String> response = get(console, "/api/services");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    JsonNode state = JSON.readTree(response.body());
    assertThat(state.path("registry").asText()).isEqualTo("memory://" + name);
    assertThat(state.path("now").asText()).isNotEmpty();
    assertThat(state.path("listingError").isNull()).isTrue();
    assertThat(state.path("checksKnown").asBoolean()).isFalse();
    assertThat(state.path("nodeChecks").isArray()).isTrue();
    JsonNode payments = state.path("services").get(0);
    assertThat(payments.path("name").asText()).isEqualTo("payments");
    assertThat(payments.path("stale").asBoolean()).isFalse();
    assertThat(payments.path("loaded").asBoolean()).isTrue();
    assertThat(payments.path("held").asBoolean()).isFalse();
    assertThat(payments.path("revision").asLong()).isPositive();
    assertThat(payments.path("updatedAt").asText()).isNotEmpty();
    assertThat(payments.path("ageMillis").isIntegralNumber()).isTrue();
    assertThat(payments.path("health").isNull()).as("etcd, ZooKeeper and memory report no checks").isTrue();
    JsonNode instance = payments.path("instances").get(0);
    assertThat(instance.path("id").asText()).isEqualTo("payments-1");
    assertThat(instance.path("host").asText()).isEqualTo("10.1.2.3");
    assertThat(instance.path("port").asInt()).isEqualTo(8443);
    assertThat(instance.path("hostPort").asText()).isEqualTo("10.1.2.3:8443");
    assertThat(instance.path("zone").asText()).isEqualTo("eu-1a");
    assertThat(instance.path("weight").asInt()).isEqualTo(5);
    assertThat(instance.path("secure").asBoolean()).isTrue();
    assertThat(instance.path("metadata").path("version").asText()).isEqualTo("2.1");
  }

  @Test
  void oneServiceHasItsOwnUrlAndAnUnknownOneIsA404() throws Exception {
    services.register("orders", "10.0.0.1:80").awaitRegistered(DEADLINE);
    Console console = start();
    await().atMost(DEADLINE).until(() -> ids(state(console), "orders").size() == 1);

    HttpResponse<String> orders = get(console, "/api/services/Orders");
    assertThat(orders.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(orders.body()).path("instances").get(0).path("hostPort").asText()).isEqualTo("10.0.0.1:80");
    HttpResponse<String> missing = get(console, "/api/services/nothing");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(missing.body()).path("error").asText()).isEqualTo("no service 'nothing' is listed in the registry");
    assertThat(get(console, "/nowhere").statusCode()).isEqualTo(404);
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(console.uri().resolve("/api/services"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void thePageIsServedWithItsScriptAndAPolicyThatAllowsNoOtherScript() throws Exception {
    Console console = start();

    HttpResponse<String> page = get(console, "/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'self'")
        .doesNotContain("unsafe-inline");
    assertThat(page.body()).contains("<script src=\"console.js\"");
    HttpResponse<String> script = get(console, "/console.js");
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.body()).contains("EventSource('api/events')").doesNotContain("innerHTML");
    assertThat(get(console, "/console.css").statusCode()).isEqualTo(200);
  }

  @Test
  void registryDataWithHtmlAndScriptIsJsonEscaped() throws Exception {
    String hostile = "</script><script>alert('x')</script> & <img src=x onerror=alert(1)>\u2028";
    services.register(ServiceInstance.builder("web", "10.0.0.9:80").metadata("note", hostile).metadata("<b>", "key")
        .build()).awaitRegistered(DEADLINE);
    Console console = start();
    await().atMost(DEADLINE).until(() -> ids(state(console), "web").size() == 1);

    String body = get(console, "/api/services").body();
    assertThat(body).doesNotContain("<").doesNotContain(">").doesNotContain("'").doesNotContain("\u2028")
        .contains("\\u003C/script\\u003E\\u003Cscript\\u003Ealert(\\u0027x\\u0027)");
    JsonNode metadata = JSON.readTree(body).path("services").get(0).path("instances").get(0).path("metadata");
    assertThat(metadata.path("note").asText()).isEqualTo(hostile);
    assertThat(metadata.path("<b>").asText()).isEqualTo("key");
  }

  @Test
  void theEventStreamPushesTheStateAfterAChange() throws Exception {
    Console console = start();
    try (EventStreamReader events = new EventStreamReader(console.uri().resolve("/api/events"))) {
      assertThat(events.response.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
      JsonNode first = JSON.readTree(events.next(m -> "state".equals(m.name()), DEADLINE).data());
      assertThat(names(first)).doesNotContain("billing");

      services.register(ServiceInstance.builder("billing", "10.0.0.5:9000").id("billing-a").build());

      EventStreamReader.Message pushed = events.next(m -> "state".equals(m.name())
          && ids(parse(m.data()), "billing").contains("billing-a"), DEADLINE);
      assertThat(pushed.data()).doesNotContain("\n");
    }
  }

  @Test
  void anIdleStreamGetsHeartbeatComments() throws Exception {
    Console console = start(Console.builder(reader).heartbeat(Duration.ofMillis(100)));
    try (EventStreamReader events = new EventStreamReader(console.uri().resolve("/api/events"))) {
      assertThat(events.next(m -> "heartbeat".equals(m.comment()), DEADLINE)).isNotNull();
    }
  }

  @Test
  void aServiceThatDisappearsIsDroppedAndItsViewForgotten() throws Exception {
    services.register("stays", "10.0.0.1:80").awaitRegistered(DEADLINE);
    Registration leaving = services.register("leaves", "10.0.0.2:80");
    leaving.awaitRegistered(DEADLINE);
    Console console = start();
    await().atMost(DEADLINE).until(() -> ids(state(console), "leaves").size() == 1);
    assertThat(reader.watchedServices()).contains("leaves");

    leaving.close();

    await().atMost(DEADLINE).until(() -> !names(state(console)).contains("leaves"));
    await("the view of 'leaves' given back").atMost(DEADLINE)
        .until(() -> !console.heldServices().contains("leaves") && !reader.watchedServices().contains("leaves"));
    assertThat(registry.watches("leaves")).isZero();
    assertThat(names(state(console))).containsExactly("stays");
    assertThat(console.heldServices()).containsExactly("stays");
  }

  @Test
  void anUnreachableRegistryShowsTheErrorAndKeepsTheLastViewsMarkedStale() throws Exception {
    services.register("orders", "10.0.0.1:80").awaitRegistered(DEADLINE);
    Console console = start();
    await().atMost(DEADLINE).until(() -> ids(state(console), "orders").size() == 1);

    registry.setReachable(false);
    await().atMost(DEADLINE).until(() -> {
      JsonNode state = state(console);
      return state.path("listingError").asText().contains("unreachable") && state.path("services").get(0).path("stale").asBoolean();
    });
    assertThat(ids(state(console), "orders")).hasSize(1);

    registry.setReachable(true);
    await().atMost(DEADLINE).until(() -> {
      JsonNode state = state(console);
      return state.path("listingError").isNull() && !state.path("services").get(0).path("stale").asBoolean();
    });
  }

  @Test
  void itListensOnLoopbackByDefaultAndRefusesOtherHostNames() throws Exception {
    assertThat(Console.DEFAULT_BIND.getAddress().isLoopbackAddress()).isTrue();
    assertThat(Console.DEFAULT_BIND.getPort()).isEqualTo(8500);
    Console console = start();
    assertThat(console.address().getAddress().isLoopbackAddress()).isTrue();
    assertThat(console.uri().toString()).startsWith("http://127.0.0.1:");

    assertThat(rawGet(console, "127.0.0.1:" + console.address().getPort())).startsWith("HTTP/1.1 200");
    assertThat(rawGet(console, "localhost")).startsWith("HTTP/1.1 200");
    // A page on another origin whose name was rebound to 127.0.0.1 sends its own name.
    assertThat(rawGet(console, "attacker.example:" + console.address().getPort())).startsWith("HTTP/1.1 403");
  }

  @Test
  void aRegistryThatCannotListFailsAtStartAndLeavesNoThread() {
    try (DiscoveryClient dns = DiscoveryClient.builder().registry("dns+srv://service.consul?server=127.0.0.1:1")
        .withoutShutdownHook().build()) {
      assertThatThrownBy(() -> start(Console.builder(dns))).isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("cannot list");
    }
    assertThat(consoleThreads()).isEmpty();
  }

  @Test
  void aClosedTabFreesItsStreamAtTheNextHeartbeats() throws Exception {
    Console console = start(Console.builder(reader).heartbeat(Duration.ofMillis(50)));
    try (Socket tab = new Socket()) {
      tab.connect(console.address(), 5000);
      tab.setSoTimeout(5000);
      tab.getOutputStream().write("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = tab.getInputStream();
      StringBuilder received = new StringBuilder();
      while (!received.toString().contains("event: state")) {
        int b = in.read();
        assertThat(b).as("the stream's first state").isNotNegative();
        received.append((char) b);
      }
      assertThat(console.openStreams()).isEqualTo(1);
    }

    await("the closed tab's stream is dropped").atMost(DEADLINE).until(() -> console.openStreams() == 0);
  }

  @Test
  void closeEndsOpenStreamsAndStopsEveryThread() throws Exception {
    services.register("orders", "10.0.0.1:80").awaitRegistered(DEADLINE);
    Console console = Console.builder(reader).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .refresh(Duration.ofMillis(50)).start();
    try (EventStreamReader events = new EventStreamReader(console.uri().resolve("/api/events"))) {
      events.next(m -> "state".equals(m.name()), DEADLINE);
      assertThat(console.openStreams()).isEqualTo(1);

      console.close();

      assertThat(events.endsWithin(DEADLINE)).as("the open stream ends").isTrue();
    }
    assertThat(consoleThreads()).isEmpty();
    assertThat(console.heldServices()).isEmpty();
    assertThat(reader.watchedServices()).as("the console's views are handed back, or left to the client if not empty")
        .containsOnly("orders");
    console.close(); // idempotent
  }

  private static List<String> consoleThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> n.startsWith("console-")).toList();
  }

  /** A GET with a Host header of our choosing, which java.net.http does not allow setting. */
  private static String rawGet(Console console, String host) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(console.address(), 5000);
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET /api/services HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
