package io.discovery.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.ServiceInstance;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The interceptor against three real HTTP servers registered as "payments". */
class DiscoveryInterceptorTest {
  private static final AtomicInteger REGISTRIES = new AtomicInteger();

  private final List<Backend> backends = new ArrayList<>();
  private final String registryName = "interceptor-" + REGISTRIES.incrementAndGet();
  private final DiscoveryClient discovery = DiscoveryClient.builder()
      .registry("memory://" + registryName).withoutShutdownHook().build();
  private final List<String> events = new ArrayList<>();

  /** One HTTP server that answers with a settable status and counts what it got. */
  static final class Backend extends Dispatcher {
    final MockWebServer server = new MockWebServer();
    final AtomicInteger requests = new AtomicInteger();
    volatile int status = 200;

    Backend() throws IOException {
      server.setDispatcher(this);
      server.start();
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      requests.incrementAndGet();
      return new MockResponse.Builder().code(status).body("from " + server.getPort()).build();
    }

    String address() {
      return "127.0.0.1:" + server.getPort();
    }
  }

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

  private OkHttpClient http(DiscoveryInterceptor interceptor) {
    return new OkHttpClient.Builder().addInterceptor(interceptor).retryOnConnectionFailure(false).build();
  }

  private static CircuitBreakerRegistry ejectAfter(int failures) {
    return CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(failures).minimumNumberOfCalls(failures).failureRateThreshold(100)
        .waitDurationInOpenState(Duration.ofMinutes(1)).build());
  }

  private static int get(OkHttpClient http, String url) throws IOException {
    try (Response response = http.newCall(new Request.Builder().url(url).build()).execute()) {
      response.body().string();
      return response.code();
    }
  }

  @Test
  void requestsToAServiceNameAreSpreadOverItsInstances() throws Exception {
    start(3);
    OkHttpClient http = http(DiscoveryInterceptor.builder(discovery).balancer(LoadBalancer::roundRobin).build());

    for (int i = 0; i < 90; i++) {
      assertThat(get(http, "http://payments/charge?n=" + i)).isEqualTo(200);
    }

    assertThat(backends).allSatisfy(b -> assertThat(b.requests.get()).isEqualTo(30));
    RecordedRequest seen = backends.get(0).server.takeRequest();
    assertThat(seen.getUrl().encodedPath()).isEqualTo("/charge");
    RecordedRequest last = null;
    for (int i = 1; i < 30; i++) {
      last = backends.get(0).server.takeRequest();
    }
    assertThat(last.getConnectionIndex()).as("connections are reused").isZero();
  }

  @Test
  void otherHostsPassThroughUntouched() throws Exception {
    start(1);
    DiscoveryInterceptor interceptor = DiscoveryInterceptor.builder(discovery).build();
    OkHttpClient http = http(interceptor);
    assertThat(get(http, "http://payments/charge")).isEqualTo(200);
    assertThat(interceptor.services()).as("a balancer for the service only").containsExactly("payments");
    assertThat(get(http, "http://127.0.0.1:" + backends.get(0).server.getPort() + "/direct")).isEqualTo(200);
    assertThat(get(http, "http://localhost:" + backends.get(0).server.getPort() + "/direct")).isEqualTo(200);
  }

  @Test
  void aRefusedConnectionFailsOverToAHealthyInstanceEvenForAPost() throws Exception {
    start(3);
    backends.get(1).server.close(); // registered, but nothing listens any more
    OkHttpClient http = http(DiscoveryInterceptor.builder(discovery).balancer(LoadBalancer::roundRobin).build());

    for (int i = 0; i < 30; i++) {
      assertThat(get(http, "http://payments/charge")).isEqualTo(200);
      try (Response r = http.newCall(new Request.Builder().url("http://payments/charge")
          .post(RequestBody.create("{}", MediaType.get("application/json"))).build()).execute()) {
        assertThat(r.code()).as("no byte of the POST reached the dead instance, so it was retried").isEqualTo(200);
      }
    }
    assertThat(backends.get(0).requests.get() + backends.get(2).requests.get()).isEqualTo(60);
  }

  @Test
  void anInstanceFailingWith5xxIsEjectedAfterNFailuresAndGetsNoMoreTraffic() throws Exception {
    start(3);
    Backend bad = backends.get(0);
    bad.status = 503;
    OkHttpClient http = http(DiscoveryInterceptor.builder(discovery)
        .balancer(view -> LoadBalancer.builder(view).outlierEjection(ejectAfter(3)).build()).build());

    for (int i = 0; i < 60; i++) {
      assertThat(get(http, "http://payments/charge")).as("a 503 is retried on another instance").isEqualTo(200);
    }

    assertThat(bad.requests.get()).as("ejected after 3 failures").isEqualTo(3);
  }

  @Test
  void aSpentRetryBudgetLetsTheFailureReachTheCaller() throws Exception {
    start(2);
    backends.forEach(b -> b.status = 500);
    AtomicLong now = new AtomicLong();
    OkHttpClient http = http(DiscoveryInterceptor.builder(discovery).balancer(LoadBalancer::roundRobin)
        .retryBudget(RetryBudget.of(0.0, 1, Duration.ofSeconds(2), now::get)).build());

    // The budget: no share of requests, a minimum of 1 retry a second over 2 s, so 2 retries a window.
    for (int i = 0; i < 5; i++) {
      assertThat(get(http, "http://payments/charge")).isEqualTo(500);
    }
    assertThat(backends.stream().mapToInt(b -> b.requests.get()).sum()).as("5 requests + 2 retries; the rest failed at once").isEqualTo(7);

    now.addAndGet(Duration.ofSeconds(3).toNanos());
    get(http, "http://payments/charge");
    assertThat(backends.stream().mapToInt(b -> b.requests.get()).sum()).as("a new window: 1 request + 2 retries").isEqualTo(10);
  }

  @Test
  void aPostThatGotAnErrorStatusIsNotRetried() throws Exception {
    start(2);
    backends.forEach(b -> b.status = 502);
    OkHttpClient http = http(DiscoveryInterceptor.builder(discovery).build());
    try (Response r = http.newCall(new Request.Builder().url("http://payments/charge")
        .post(RequestBody.create("{}", MediaType.get("application/json"))).build()).execute()) {
      assertThat(r.code()).isEqualTo(502);
    }
    assertThat(backends.stream().mapToInt(b -> b.requests.get()).sum()).isEqualTo(1);
  }

  @Test
  void whenEveryInstanceIsEjectedRequestsStillGoOutInPanicMode() throws Exception {
    start(2);
    backends.forEach(b -> b.status = 503);
    OkHttpClient http = http(DiscoveryInterceptor.builder(discovery).retryBudget(RetryBudget.none())
        .balancer(view -> LoadBalancer.builder(view).outlierEjection(ejectAfter(2)).listener(new Listener() {
          @Override
          public void panicStarted(String service, int ejected, int total) {
            events.add("panic " + service + " " + ejected + "/" + total);
          }
        }).build()).build());

    for (int i = 0; i < 10; i++) {
      assertThat(get(http, "http://payments/charge")).isEqualTo(503);
    }
    backends.forEach(b -> b.status = 200);
    for (int i = 0; i < 10; i++) {
      assertThat(get(http, "http://payments/charge")).as("calls still reach the instances").isEqualTo(200);
    }

    assertThat(events).containsExactly("panic payments 2/2");
    assertThat(backends).allSatisfy(b -> assertThat(b.requests.get()).isGreaterThan(2));
  }

  @Test
  void aServiceWithNoInstancesIsAnIoExceptionNamingIt() {
    OkHttpClient http = http(DiscoveryInterceptor.builder(discovery).build());
    assertThatThrownBy(() -> get(http, "http://orders/list"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no instances of 'orders' are registered");
  }

  @Test
  void hostsThatAreNotServicesLeaveNoViewOrWatchBehind() {
    DiscoveryInterceptor interceptor = DiscoveryInterceptor.builder(discovery).build();
    OkHttpClient http = http(interceptor);

    for (String host : List.of("intranet", "wiki", "printer", "intranet")) {
      assertThatThrownBy(() -> get(http, "http://" + host + "/"))
          .isInstanceOf(java.net.UnknownHostException.class).hasMessageContaining("'" + host + "' is not a service");
    }

    assertThat(interceptor.services()).isEmpty();
    assertThat(discovery.watchedServices()).isEmpty();
  }

  @Test
  void aViewSomeoneElseAskedForIsNeverDroppedEvenWhenEmpty() {
    io.discovery.client.ServiceView held = discovery.service("orders"); // code of the caller's own reads it
    OkHttpClient http = http(DiscoveryInterceptor.builder(discovery).build());

    assertThatThrownBy(() -> get(http, "http://orders/list")).isInstanceOf(IOException.class);

    assertThat(discovery.watchedServices()).containsExactly("orders");
    assertThat(discovery.service("orders")).isSameAs(held);
  }

  @Test
  void theFirstRequestWaitsForTheRegistryOnlyAsLongAsConfiguredAndSaysSo() {
    io.discovery.client.memory.MemoryRegistry.named(registryName).setReachable(false);
    OkHttpClient http = http(DiscoveryInterceptor.builder(discovery).resolveTimeout(Duration.ZERO).build());

    assertThatThrownBy(() -> get(http, "http://payments/charge"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("has not answered")
        .hasMessageContaining("DiscoveryInterceptor.Builder.resolveTimeout");
  }

  @Test
  void aRequestTheCallerCancelsIsNotAFailureOfTheInstance() throws Exception {
    start(1);
    java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    AtomicInteger received = new AtomicInteger();
    backends.get(0).server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
        received.incrementAndGet();
        arrived.countDown();
        release.await(10, java.util.concurrent.TimeUnit.SECONDS);
        return new MockResponse.Builder().code(200).body("late").build();
      }
    });
    OkHttpClient http = http(DiscoveryInterceptor.builder(discovery)
        .balancer(view -> LoadBalancer.builder(view).outlierEjection(ejectAfter(1)).listener(new Listener() {
          @Override
          public void ejected(ServiceInstance instance) {
            events.add("ejected " + instance.hostPort());
          }
        }).build()).build());
    okhttp3.Call call = http.newCall(new Request.Builder().url("http://payments/slow").build());
    java.util.concurrent.CompletableFuture<Void> running = java.util.concurrent.CompletableFuture.runAsync(() -> {
      try (Response ignored = call.execute()) {
        throw new AssertionError("the call was cancelled; it must not answer");
      } catch (IOException expected) {
        // cancelled
      }
    });
    assertThat(arrived.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

    call.cancel();
    running.get(10, java.util.concurrent.TimeUnit.SECONDS);
    release.countDown();

    assertThat(events).as("one failure would have ejected it").isEmpty();
    assertThat(received).as("not retried").hasValue(1);
  }

  @Test
  void aOneShotBodyIsNeverRetried() throws Exception {
    start(2);
    backends.forEach(b -> b.status = 503);
    OkHttpClient http = http(DiscoveryInterceptor.builder(discovery).build());
    RequestBody oneShot = new RequestBody() {
      @Override
      public MediaType contentType() {
        return MediaType.get("application/json");
      }

      @Override
      public void writeTo(okio.BufferedSink sink) throws IOException {
        sink.writeUtf8("{}");
      }

      @Override
      public boolean isOneShot() {
        return true;
      }
    };

    try (Response response = http.newCall(new Request.Builder().url("http://payments/upload").put(oneShot).build()).execute()) {
      assertThat(response.code()).isEqualTo(503);
    }
    assertThat(backends.stream().mapToInt(b -> b.requests.get()).sum()).as("a PUT, but its body can be sent once").isEqualTo(1);
  }

  @Test
  void aCallCountsAsInFlightUntilItsBodyIsClosed() throws Exception {
    start(1);
    DiscoveryInterceptor interceptor = DiscoveryInterceptor.builder(discovery).build();
    OkHttpClient http = http(interceptor);
    DefaultLoadBalancer lb = (DefaultLoadBalancer) interceptor.balancer("payments");
    ServiceInstance only = ServiceInstance.of("payments", backends.get(0).address());

    Response open = http.newCall(new Request.Builder().url("http://payments/slow").build()).execute();
    assertThat(lb.inFlight(only)).isEqualTo(1);
    open.close();
    assertThat(lb.inFlight(only)).isZero();
  }

  @Test
  void aFullyReadBodyEndsTheCallWithoutAClose() throws Exception {
    start(1);
    DiscoveryInterceptor interceptor = DiscoveryInterceptor.builder(discovery).build();
    OkHttpClient http = http(interceptor);
    DefaultLoadBalancer lb = (DefaultLoadBalancer) interceptor.balancer("payments");
    ServiceInstance only = ServiceInstance.of("payments", backends.get(0).address());

    Response response = http.newCall(new Request.Builder().url("http://payments/read").build()).execute();
    assertThat(response.body().source().readUtf8()).startsWith("from ");
    assertThat(lb.inFlight(only)).as("read to the end: the call is over").isZero();
    response.close();
    assertThat(lb.inFlight(only)).isZero();
  }

  @Test
  void aRefusedConnectionCountsAgainstTheInstanceAndLeavesNothingInFlight() throws Exception {
    start(2);
    Backend dead = backends.get(1);
    dead.server.close();
    List<String> ejected = new java.util.concurrent.CopyOnWriteArrayList<>();
    DiscoveryInterceptor interceptor = DiscoveryInterceptor.builder(discovery).retryBudget(RetryBudget.none())
        .balancer(view -> LoadBalancer.builder(view).policy(Policy.roundRobin()).outlierEjection(ejectAfter(2))
            .listener(new Listener() {
              @Override
              public void ejected(ServiceInstance instance) {
                ejected.add(instance.hostPort());
              }
            }).build()).build();
    OkHttpClient http = http(interceptor);
    DefaultLoadBalancer lb = (DefaultLoadBalancer) interceptor.balancer("payments");

    int refused = 0;
    for (int i = 0; i < 10; i++) {
      try {
        get(http, "http://payments/charge");
      } catch (java.net.ConnectException e) {
        refused++;
      }
    }

    assertThat(refused).as("no retry budget: the failure reaches the caller").isEqualTo(2);
    assertThat(ejected).as("the failures reached the breaker").containsExactly(dead.address());
    assertThat(lb.inFlight(ServiceInstance.of("payments", dead.address()))).isZero();
    assertThat(lb.inFlight(ServiceInstance.of("payments", backends.get(0).address()))).isZero();
  }

  @Test
  void aGetFailingEverywhereIsTriedOnceOnEachInstanceUpToMaxAttempts() throws Exception {
    start(3);
    backends.forEach(b -> b.status = 503);
    OkHttpClient three = http(DiscoveryInterceptor.builder(discovery).balancer(LoadBalancer::roundRobin).build());

    assertThat(get(three, "http://payments/charge")).isEqualTo(503);
    assertThat(backends).allSatisfy(b -> assertThat(b.requests.get()).as("one attempt per instance").isEqualTo(1));

    OkHttpClient one = http(DiscoveryInterceptor.builder(discovery).balancer(LoadBalancer::roundRobin).maxAttempts(1).build());
    assertThat(get(one, "http://payments/charge")).isEqualTo(503);
    assertThat(backends.stream().mapToInt(b -> b.requests.get()).sum()).isEqualTo(4);
    assertThatThrownBy(() -> DiscoveryInterceptor.builder(discovery).maxAttempts(0)).hasMessageContaining("invalid attempt count 0");
  }

  @Test
  void theFailureStatusesAndTheRoutedHostsAreTheCallersToChoose() throws Exception {
    start(2);
    backends.forEach(b -> b.status = 500);
    OkHttpClient tooMany = http(DiscoveryInterceptor.builder(discovery).balancer(LoadBalancer::roundRobin)
        .failureStatuses(code -> code == 429).build());
    assertThat(get(tooMany, "http://payments/charge")).as("a 500 is no failure here: not retried").isEqualTo(500);
    assertThat(backends.stream().mapToInt(b -> b.requests.get()).sum()).isEqualTo(1);
    backends.forEach(b -> b.status = 429);
    assertThat(get(tooMany, "http://payments/charge")).isEqualTo(429);
    assertThat(backends.stream().mapToInt(b -> b.requests.get()).sum()).as("a 429 is: retried").isEqualTo(4);

    OkHttpClient dotted = http(DiscoveryInterceptor.builder(discovery).routeHosts(host -> host.startsWith("svc-")).build());
    assertThat(get(dotted, "http://127.0.0.1:" + backends.get(0).server.getPort() + "/direct")).isEqualTo(429);
    assertThatThrownBy(() -> get(dotted, "http://svc-missing/charge")).isInstanceOf(java.net.UnknownHostException.class)
        .hasMessageContaining("svc-missing");
  }
}
