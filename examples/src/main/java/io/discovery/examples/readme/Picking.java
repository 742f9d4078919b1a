package io.discovery.examples.readme;

import io.discovery.client.DiscoveryClient;
import io.discovery.loadbalancer.CallHandle;
import io.discovery.loadbalancer.LoadBalancer;
import io.discovery.loadbalancer.Policy;
import io.discovery.client.ServiceInstance;
import java.io.IOException;
import java.time.Duration;

/** The README's "Picking" snippet, compiled. */
final class Picking {
  private Picking() {
  }

  static void charge(DiscoveryClient discovery) throws IOException {
    // readme:begin picking
    LoadBalancer payments = LoadBalancer.builder(discovery.service("payments"))
        .policy(Policy.peakEwma())              // see the list below; default round-robin
        .outlierEjection()                      // a resilience4j circuit breaker per instance
        .preferZone("eu-1a")                    // stay in the caller's zone while it has a healthy instance
        .slowStart(Duration.ofSeconds(30))      // new instances ramp up from 10% of their share
        .build();
    try (CallHandle call = payments.begin()) {  // counts the call as in flight until closed
      try {
        send(call.instance());
        call.succeeded();                       // feeds latency and the breaker
      } catch (IOException e) {
        call.failed(e);                         // counts against the instance: ejection, retry elsewhere
        throw e;
      }
    }
    // readme:end picking
  }

  private static void send(ServiceInstance instance) throws IOException {
    if (instance.port() == 0) {
      throw new IOException("unreachable");
    }
  }
}
