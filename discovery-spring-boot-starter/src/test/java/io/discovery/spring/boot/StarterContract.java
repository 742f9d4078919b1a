package io.discovery.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/** What the starter does against a real registry, for each registry a subclass starts. */
abstract class StarterContract {
  private static final AtomicInteger SERVICES = new AtomicInteger();
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  protected final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
  protected DiscoveryClient observer;

  /** The registry URI the applications and the observer use. */
  abstract String registry();

  @BeforeEach
  void startObserver() {
    observer = DiscoveryClient.builder().registry(registry()).withoutShutdownHook().build();
  }

  @AfterEach
  void closeEverything() {
    contexts.forEach(ConfigurableApplicationContext::close);
    observer.close();
  }

  @Test
  void registersAtTheWebServersActualPortWithItsProperties() {
    String name = uniqueName();
    ConfigurableApplicationContext service = startService(name, "discovery.instance.zone=eu-1a",
        "discovery.instance.weight=4", "discovery.instance.metadata.version=2.1");
    int port = port(service);

    ServiceView view = observer.service(name);
    await().atMost(DEADLINE).until(() -> !view.instances().isEmpty());

    ServiceInstance seen = view.instances().get(0);
    assertThat(view.instances()).hasSize(1);
    assertThat(seen.hostPort()).isEqualTo("127.0.0.1:" + port);
    assertThat(seen.zone()).isEqualTo("eu-1a");
    assertThat(seen.weight()).isEqualTo(4);
    assertThat(seen.metadata()).containsEntry("version", "2.1");
    assertThat(service.getBean(ServiceRegistrar.class).registration()).get()
        .satisfies(r -> assertThat(r.instance()).isEqualTo(seen));
  }

  @Test
  void aLoadBalancedRestClientReachesTheServiceThroughTheRegistry() {
    String name = uniqueName();
    int port = port(startService(name));
    ConfigurableApplicationContext caller = start(new SpringApplicationBuilder(CallerApp.class).web(WebApplicationType.NONE)
        .properties("spring.application.name=caller-of-" + name, "discovery.registry=" + registry(), "spring.main.banner-mode=off"));
    RestClient client = caller.getBean("loadBalancedRestClientBuilder", RestClient.Builder.class).build();

    String answer = await().atMost(DEADLINE).ignoreExceptions()
        .until(() -> client.get().uri("http://" + name + "/hello").retrieve().body(String.class), a -> a != null);

    assertThat(answer).isEqualTo("hello from " + name + ":" + port);
    assertThat(caller.getBean(org.springframework.cloud.client.discovery.DiscoveryClient.class).getServices()).contains(name);
  }

  @Test
  void aLoadBalancedWebClientReachesTheServiceThroughTheReactiveDiscoveryClient() {
    String name = uniqueName();
    int port = port(startService(name));
    ConfigurableApplicationContext caller = start(new SpringApplicationBuilder(CallerApp.class).web(WebApplicationType.NONE)
        .properties("spring.application.name=caller-of-" + name, "discovery.registry=" + registry(), "spring.main.banner-mode=off"));
    WebClient client = caller.getBean("loadBalancedWebClientBuilder", WebClient.Builder.class).build();

    String answer = await().atMost(DEADLINE).ignoreExceptions()
        .until(() -> client.get().uri("http://" + name + "/hello").retrieve().bodyToMono(String.class)
            .block(Duration.ofSeconds(5)), a -> a != null);

    assertThat(answer).isEqualTo("hello from " + name + ":" + port);
    assertThat(caller.getBean(org.springframework.cloud.client.discovery.ReactiveDiscoveryClient.class).getServices()
        .collectList().block(Duration.ofSeconds(5))).contains(name);
  }

  @Test
  void anOpenFeignClientReachesTheServiceThroughTheRegistry() {
    String name = uniqueName();
    int port = port(startService(name));
    ConfigurableApplicationContext caller = start(new SpringApplicationBuilder(FeignCallerApp.class)
        .web(WebApplicationType.NONE).properties("spring.application.name=feign-caller-of-" + name,
            "discovery.registry=" + registry(), "greeting.service=" + name, "spring.main.banner-mode=off"));
    FeignCallerApp.Greeting greeting = caller.getBean(FeignCallerApp.Greeting.class);

    String answer = await().atMost(DEADLINE).ignoreExceptions().until(greeting::hello, a -> a != null);

    assertThat(answer).isEqualTo("hello from " + name + ":" + port);
  }

  @Test
  void closingDeregistersBeforeTheWebServerStopsTakingRequests() throws Exception {
    String name = uniqueName();
    ConfigurableApplicationContext service = startService(name);
    int port = port(service);
    ServiceView view = observer.service(name);
    await().atMost(DEADLINE).until(() -> ports(view).contains(port));

    ShutdownProbe probe = service.getBean(ShutdownProbe.class);
    probe.onStop(() -> {
      await().atMost(DEADLINE).until(() -> !ports(view).contains(port));
      return get(port, "/hello").statusCode() + " " + get(port, "/hello").body();
    });
    service.close();

    assertThat(probe.result()).isEqualTo("200 hello from " + name + ":" + port);
    assertThatThrownBy(() -> get(port, "/hello")).isInstanceOf(ConnectException.class);
  }

  @Test
  void theServiceRegistryEndpointTakesTheInstanceOutOfServiceAndBack() throws Exception {
    String name = uniqueName();
    ConfigurableApplicationContext service = startService(name,
        "management.endpoints.web.exposure.include=health,serviceregistry");
    int port = port(service);
    ServiceView view = observer.service(name);
    await().atMost(DEADLINE).until(() -> ports(view).contains(port));
    await().atMost(DEADLINE).until(() -> get(port, "/actuator/serviceregistry").body(), "UP"::equals);

    assertThat(post(port, "/actuator/serviceregistry", "{\"status\":\"OUT_OF_SERVICE\"}").statusCode()).isEqualTo(200);

    await().atMost(DEADLINE).until(() -> view.instances().isEmpty());
    assertThat(observer.services()).as("still registered").contains(name);
    assertThat(get(port, "/actuator/serviceregistry").body()).isEqualTo("OUT_OF_SERVICE");

    assertThat(post(port, "/actuator/serviceregistry", "{\"status\":\"up\"}").statusCode()).isEqualTo(200);
    await().atMost(DEADLINE).until(() -> ports(view).contains(port));
    await().atMost(DEADLINE).until(() -> get(port, "/actuator/serviceregistry").body(), "UP"::equals);

    assertThat(post(port, "/actuator/serviceregistry", "{\"status\":\"DRAINING\"}").statusCode())
        .as("an unknown status is refused").isGreaterThanOrEqualTo(400);
    assertThat(get(port, "/actuator/serviceregistry").body()).as("and changes nothing").isEqualTo("UP");

    CloudServiceRegistry registry = service.getBean(CloudServiceRegistry.class);
    CloudRegistration registration = service.getBean(CloudRegistration.class);
    assertThat(registration.getPort()).isEqualTo(port);
    registry.deregister(registration);
    await().atMost(DEADLINE).until(() -> !observer.services().contains(name));
    registry.register(registration);
    await().atMost(DEADLINE).until(() -> ports(view).contains(port));
  }

  protected ConfigurableApplicationContext startService(String name, String... properties) {
    List<String> all = new ArrayList<>(List.of("server.port=0", "spring.application.name=" + name,
        "discovery.registry=" + registry(), "discovery.instance.host=127.0.0.1", "spring.main.banner-mode=off",
        "management.endpoints.web.exposure.include=health,metrics", "management.endpoint.health.show-details=always"));
    all.addAll(List.of(properties));
    return start(new SpringApplicationBuilder(GreetingApp.class).properties(all.toArray(String[]::new)));
  }

  protected ConfigurableApplicationContext start(SpringApplicationBuilder application) {
    ConfigurableApplicationContext context = application.run();
    contexts.add(context);
    return context;
  }

  protected static int port(ConfigurableApplicationContext context) {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  protected HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  protected HttpResponse<String> post(int port, String path, String json) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  protected static String uniqueName() {
    return "greeting-" + SERVICES.incrementAndGet();
  }

  private static List<Integer> ports(ServiceView view) {
    return view.instances().stream().map(ServiceInstance::port).toList();
  }

}
