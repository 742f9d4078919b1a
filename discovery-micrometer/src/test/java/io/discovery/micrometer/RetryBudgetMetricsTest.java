package io.discovery.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.discovery.client.DiscoveryClient;
import io.discovery.testing.ManualScheduler;
import io.discovery.loadbalancer.DiscoveryInterceptor;
import io.discovery.loadbalancer.LoadBalancer;
import io.discovery.loadbalancer.RetryBudget;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retries through the OkHttp interceptor, against two real HTTP servers that both answer 503. */
class RetryBudgetMetricsTest {
  private static final AtomicInteger REGISTRIES = new AtomicInteger();

  private final ManualScheduler time = new ManualScheduler();
  private final DiscoveryClient client = DiscoveryClient.builder()
      .registry("memory://retry-metrics-" + REGISTRIES.incrementAndGet()).scheduler(time)
      .withoutLogging().withoutShutdownHook().build();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<MockWebServer> servers = List.of(new MockWebServer(), new MockWebServer());

  @AfterEach
  void close() {
    client.close();
    servers.forEach(MockWebServer::close);
  }

  @Test
  void aFailedCallRetriedOnAnotherInstanceCountsOneRetry() throws Exception {
    for (MockWebServer server : servers) {
      server.enqueue(new MockResponse.Builder().code(503).build());
      server.start();
      client.register("payments", "127.0.0.1:" + server.getPort());
    }
    time.runDue();
    // 100% of requests plus 1 a second over 1 s: one request allows two retries
    RetryBudget budget = RetryBudget.of(1.0, 1, Duration.ofSeconds(1), time::nanoTime);
    new RetryBudgetMetrics(budget).bindTo(meters);
    OkHttpClient http = new OkHttpClient.Builder().retryOnConnectionFailure(false)
        .addInterceptor(DiscoveryInterceptor.builder(client)
            .balancer(view -> LoadBalancerMetrics.monitor(meters, LoadBalancer.roundRobin(view)))
            .retryBudget(budget)
            .maxAttempts(2)
            .build())
        .build();

    try (Response response = http.newCall(new Request.Builder().url("http://payments/charge").build()).execute()) {
      assertThat(response.code()).isEqualTo(503);
    }

    assertThat(servers).allSatisfy(server -> assertThat(server.getRequestCount()).isEqualTo(1));
    assertThat(meters.get("discovery.balancer.retries").functionCounter().count()).isEqualTo(1);
    assertThat(meters.get("discovery.balancer.retry.budget.spent").gauge().value()).isEqualTo(0.5);
    assertThat(meters.get("discovery.balancer.picks").tag("service", "payments").functionCounter().count()).isEqualTo(2);
    assertThat(meters.get("discovery.balancer.in.flight").tag("service", "payments").gauge().value()).isZero();
  }

  @Test
  void aBudgetThatAllowsNothingReadsSpent() {
    new RetryBudgetMetrics(RetryBudget.none()).bindTo(meters);

    assertThat(meters.get("discovery.balancer.retry.budget.spent").gauge().value()).isEqualTo(1);
    assertThat(meters.get("discovery.balancer.retries").functionCounter().count()).isZero();
  }
}
