package io.discovery.spring.boot;

import io.discovery.client.DiscoveryClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.ConditionalOnBlockingDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnDiscoveryEnabled;
import org.springframework.cloud.client.ConditionalOnReactiveDiscoveryEnabled;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Flux;

/**
 * Spring Cloud's {@code DiscoveryClient} and, with Reactor, {@code ReactiveDiscoveryClient} over our
 * views, so that Spring Cloud LoadBalancer resolves {@code http://<service>/} through our registries.
 * Off with {@code spring.cloud.discovery.enabled=false} (or its blocking and reactive switches).
 */
@AutoConfiguration(after = DiscoveryAutoConfiguration.class)
@ConditionalOnDiscoveryEnabled
@ConditionalOnBean(DiscoveryClient.class)
public class DiscoveryCloudAutoConfiguration {

  /** The blocking client. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBlockingDiscoveryEnabled
  static class Blocking {

    @Bean
    @ConditionalOnMissingBean
    CloudDiscoveryClient cloudDiscoveryClient(DiscoveryClient client) {
      return new CloudDiscoveryClient(client);
    }
  }

  /** The reactive client, when Reactor is on the classpath. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(Flux.class)
  @ConditionalOnReactiveDiscoveryEnabled
  static class Reactive {

    @Bean
    @ConditionalOnMissingBean
    ReactiveCloudDiscoveryClient reactiveCloudDiscoveryClient(DiscoveryClient client) {
      return new ReactiveCloudDiscoveryClient(new CloudDiscoveryClient(client));
    }
  }
}
