// readme:begin quickstart
package io.discovery.examples.readme;

import io.discovery.client.DiscoveryClient;
import io.discovery.loadbalancer.CallHandle;
import io.discovery.loadbalancer.LoadBalancer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

public class Quickstart {
  public static void main(String[] args) throws Exception {
    DiscoveryClient discovery = DiscoveryClient.create("etcd://10.0.0.5:2379");  // or DISCOVERY_REGISTRY
    discovery.register("orders", "10.1.2.3:8888");               // returns at once; heartbeat + shutdown hook
    LoadBalancer payments = LoadBalancer.leastConnection(discovery.service("payments"));
    HttpClient http = HttpClient.newHttpClient();

    try (CallHandle call = payments.begin()) {                   // in flight until closed
      URI uri = URI.create("http://" + call.instance().hostPort() + "/charge");
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 500) {
          call.failed(new IOException("HTTP " + response.statusCode() + " from " + uri));
        } else {
          call.succeeded();                                      // feeds latency and the breaker
        }
      } catch (IOException e) {
        call.failed(e);                                          // a failure counts against the instance
        throw e;
      }
    }
  }
}
// readme:end quickstart
