package io.discovery.examples.readme;

import io.discovery.client.DiscoveryClient;
import io.discovery.loadbalancer.DiscoveryHttpClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The README's java.net.http snippet, compiled. */
final class ThroughJdkHttpClient {
  private ThroughJdkHttpClient() {
  }

  static String charge(DiscoveryClient discovery) throws IOException, InterruptedException {
    // readme:begin jdkhttp
    DiscoveryHttpClient http = DiscoveryHttpClient.builder(discovery, HttpClient.newHttpClient())
        .maxAttempts(3)                                                  // the default; every option as for OkHttp
        .build();
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create("http://payments/charge")).build(), HttpResponse.BodyHandlers.ofString());
    return response.body();
    // readme:end jdkhttp
  }
}
