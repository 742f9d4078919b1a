package io.discovery.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.discovery.client.DiscoveryClient;
import io.discovery.loadbalancer.DiscoveryInterceptorTest.Backend;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JDK HttpClient wrapper against real HTTP servers registered as "payments": the interceptor's rules. */
class DiscoveryHttpClientTest {
  private final List<Backend> backends = new ArrayList<>();
  private final DiscoveryClient discovery = DiscoveryClient.builder()
      .registry("memory://jdk-http-" + UUID.randomUUID()).withoutShutdownHook().build();
  private final HttpClient jdk = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private void start(int count) throws Exception {
    for (int i = 0; i < count; i++) {
      Backend backend = new Backend();
      backends.add(backend);
      assertThat(discovery.register("payments", backend.address()).awaitRegistered(Duration.ofSeconds(5))).isTrue();
    }
  }

  @AfterEach
  void close() {
    discovery.close();
    backends.forEach(b -> b.server.close());
  }

  private static HttpResponse<String> get(DiscoveryHttpClient http, String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(DiscoveryHttpClient http, String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private int total() {
    return backends.stream().mapToInt(b -> b.requests.get()).sum();
  }

  @Test
  void requestsToAServiceNameAreSpreadOverItsInstancesWithPathQueryAndHeadersKept() throws Exception {
    start(3);
    DiscoveryHttpClient http = DiscoveryHttpClient.builder(discovery, jdk).balancer(LoadBalancer::roundRobin).build();

    for (int i = 0; i < 30; i++) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://payments/charge?n=" + i))
          .header("X-Trace", "t" + i).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).startsWith("from ");
    }

    assertThat(backends).allSatisfy(b -> assertThat(b.requests.get()).isEqualTo(10));
    RecordedRequest seen = backends.get(0).server.takeRequest();
    assertThat(seen.getUrl().encodedPath()).isEqualTo("/charge");
    assertThat(seen.getUrl().queryParameter("n")).isNotNull();
    assertThat(seen.getHeaders().get("X-Trace")).startsWith("t");
    assertThat(http.balancer("payments").view().snapshot().instances()).hasSize(3);
  }

  @Test
  void otherHostsPassThroughUntouched() throws Exception {
    start(1);
    DiscoveryHttpClient http = DiscoveryHttpClient.builder(discovery, jdk).build();

    assertThat(get(http, "http://127.0.0.1:" + backends.get(0).server.getPort() + "/direct").statusCode()).isEqualTo(200);
    assertThat(backends.get(0).server.takeRequest().getUrl().encodedPath()).isEqualTo("/direct");
  }

  @Test
  void aRefusedConnectionFailsOverToAHealthyInstanceEvenForAPost() throws Exception {
    start(3);
    backends.get(1).server.close(); // registered, but nothing listens any more
    DiscoveryHttpClient http = DiscoveryHttpClient.builder(discovery, jdk).balancer(LoadBalancer::roundRobin).build();

    for (int i = 0; i < 15; i++) {
      assertThat(get(http, "http://payments/charge").statusCode()).isEqualTo(200);
      assertThat(post(http, "http://payments/charge").statusCode()).as("no byte reached the dead instance").isEqualTo(200);
    }
    assertThat(backends.get(0).requests.get() + backends.get(2).requests.get()).isEqualTo(30);
  }

  @Test
  void a5xxIsRetriedOnAnotherInstanceForAGetAndEjectsTheInstance() throws Exception {
    start(3);
    Backend bad = backends.get(0);
    bad.status = 503;
    CircuitBreakerRegistry ejectAfter3 = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(3).minimumNumberOfCalls(3).failureRateThreshold(100)
        .waitDurationInOpenState(Duration.ofMinutes(1)).build());
    DiscoveryHttpClient http = DiscoveryHttpClient.builder(discovery, jdk)
        .balancer(view -> LoadBalancer.builder(view).outlierEjection(ejectAfter3).build()).build();

    for (int i = 0; i < 30; i++) {
      assertThat(get(http, "http://payments/charge").statusCode()).isEqualTo(200);
    }
    assertThat(bad.requests.get()).as("ejected after 3 failures").isEqualTo(3);
  }

  @Test
  void aPostThatGotAnErrorStatusIsNotRetriedAndReturnsTheStatus() throws Exception {
    start(2);
    backends.forEach(b -> b.status = 502);
    DiscoveryHttpClient http = DiscoveryHttpClient.builder(discovery, jdk).build();

    assertThat(post(http, "http://payments/charge").statusCode()).isEqualTo(502);
    assertThat(total()).isEqualTo(1);
  }

  @Test
  void retriesDrawFromTheBudgetAndStopAtMaxAttempts() throws Exception {
    start(3);
    backends.forEach(b -> b.status = 500);
    AtomicLong now = new AtomicLong();
    DiscoveryHttpClient http = DiscoveryHttpClient.builder(discovery, jdk).balancer(LoadBalancer::roundRobin)
        .retryBudget(RetryBudget.of(0.0, 1, Duration.ofSeconds(2), now::get)).maxAttempts(2).build();

    for (int i = 0; i < 4; i++) {
      assertThat(get(http, "http://payments/charge").statusCode()).isEqualTo(500);
    }

    assertThat(total()).as("4 requests + 2 retries (the budget), each request at most 2 attempts").isEqualTo(6);
  }

  @Test
  void everyCallEndsWhenSendReturnsAndCountsAsAPick() throws Exception {
    start(2);
    backends.forEach(b -> b.status = 503);
    DiscoveryHttpClient http = DiscoveryHttpClient.builder(discovery, jdk).balancer(LoadBalancer::roundRobin).maxAttempts(2).build();

    for (int i = 0; i < 4; i++) {
      assertThat(get(http, "http://payments/charge").statusCode()).isEqualTo(503);
    }
    assertThat(post(http, "http://payments/charge").statusCode()).isEqualTo(503);

    LoadBalancer.Stats stats = http.balancer("payments").stats();
    assertThat(stats.inFlight()).as("no call left open, failed and retried ones included").isZero();
    assertThat(stats.picks()).as("4 GETs of 2 attempts and a POST of one").isEqualTo(9);
    assertThat(total()).isEqualTo(9);
    assertThat(http.httpClient()).isSameAs(jdk);
  }

  @Test
  void aServiceWithoutInstancesIsAnUnknownHost() {
    DiscoveryHttpClient http = DiscoveryHttpClient.builder(discovery, jdk).build();

    assertThatThrownBy(() -> get(http, "http://billing/charge")).isInstanceOf(UnknownHostException.class)
        .hasMessageContaining("'billing' is not a service with instances");
  }
}
