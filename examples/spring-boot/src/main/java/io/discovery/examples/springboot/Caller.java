package io.discovery.examples.springboot;

import java.util.List;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/** The caller role: once a second, {@code GET http://greeting/hello} through Spring Cloud LoadBalancer and the starter. */
@Configuration(proxyBeanMethods = false)
@Profile("caller")
@EnableScheduling
class Caller {

  @Bean
  @LoadBalanced
  RestClient.Builder loadBalancedRestClientBuilder() {
    return RestClient.builder();
  }

  @Bean
  Calls calls(@LoadBalanced RestClient.Builder builder, DiscoveryClient discovery) {
    return new Calls(builder.build(), discovery);
  }

  /** The scheduled call and its line of output. */
  static final class Calls {
    private final RestClient client;
    private final DiscoveryClient discovery;

    Calls(RestClient client, DiscoveryClient discovery) {
      this.client = client;
      this.discovery = discovery;
    }

    @Scheduled(fixedDelay = 1000)
    void call() {
      List<String> seen = discovery.getInstances("greeting").stream().map(ServiceInstance::getUri).map(Object::toString).toList();
      String answer;
      try {
        answer = client.get().uri("http://greeting/hello").retrieve().body(String.class);
      } catch (RestClientException | IllegalStateException e) {  // the latter: no instance to send to
        answer = "failed: " + e.getMessage();
      }
      System.out.println("greeting instances " + seen + " -> " + answer);
    }
  }
}
