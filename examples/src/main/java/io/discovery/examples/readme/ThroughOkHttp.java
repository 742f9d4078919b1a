package io.discovery.examples.readme;

import io.discovery.client.DiscoveryClient;
import io.discovery.loadbalancer.DiscoveryInterceptor;
import io.discovery.loadbalancer.LoadBalancer;
import io.discovery.loadbalancer.Policy;
import io.discovery.loadbalancer.RetryBudget;
import java.io.IOException;
import java.time.Duration;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** The README's OkHttp snippet, compiled. */
final class ThroughOkHttp {
  private ThroughOkHttp() {
  }

  static String charge(DiscoveryClient discovery) throws IOException {
    // readme:begin okhttp
    OkHttpClient http = new OkHttpClient.Builder()
        .addInterceptor(DiscoveryInterceptor.builder(discovery)
            .balancer(view -> LoadBalancer.builder(view).policy(Policy.leastConnection()).outlierEjection().build())
            .retryBudget(RetryBudget.of(0.2, 10, Duration.ofSeconds(10)))   // the default
            .resolveTimeout(Duration.ofSeconds(5))                           // the default: first request per service
            .build())
        .build();
    try (Response response = http.newCall(new Request.Builder().url("http://payments/charge").build()).execute()) {
      return response.body().string();
    }
    // readme:end okhttp
  }
}
