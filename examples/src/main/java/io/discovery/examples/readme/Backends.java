package io.discovery.examples.readme;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.ServiceInstance;
import io.discovery.client.consul.ConsulBackend;
import io.discovery.client.consul.ConsulCheck;
import io.discovery.client.consul.CriticalCheck;
import io.discovery.loadbalancer.LoadBalancer;
import java.time.Duration;
import java.util.List;

/** The README's Consul and DNS SRV snippets, compiled. */
final class Backends {
  private Backends() {
  }

  static List<CriticalCheck> consul() {
    // readme:begin consul
    ConsulBackend consul = ConsulBackend.builder("consul://127.0.0.1:8500")
        .token(System.getenv("CONSUL_HTTP_TOKEN"))                       // default: ?token= in the URI, else CONSUL_HTTP_TOKEN
        .check(ConsulCheck.http("/health", Duration.ofSeconds(10)))      // run by the agent, next to the heartbeat's TTL check
        .check(ConsulCheck.tcp(Duration.ofSeconds(30)))
        .build();
    DiscoveryClient discovery = DiscoveryClient.builder().backend(consul).build();
    discovery.register(ServiceInstance.builder("payments", "10.1.2.3:8888").zone("eu-1a").metadata("tags", "v2,canary").build());
    List<CriticalCheck> failing = consul.critical("payments");            // /v1/health/state/critical, with check names and output
    // readme:end consul
    return failing;
  }

  static LoadBalancer dns() {
    // readme:begin dns
    DiscoveryClient dns = DiscoveryClient.create("dns+srv://service.consul?server=127.0.0.1:8600");
    LoadBalancer payments = LoadBalancer.roundRobin(dns.service("payments"));   // _payments._tcp.service.consul
    // readme:end dns
    return payments;
  }
}
