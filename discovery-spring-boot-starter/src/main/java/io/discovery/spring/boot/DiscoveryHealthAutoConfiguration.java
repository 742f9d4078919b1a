package io.discovery.spring.boot;

import io.discovery.client.DiscoveryClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code discovery} health indicator, when Spring Boot's health support (Actuator) is on the
 * classpath; off with {@code management.health.discovery.enabled=false}.
 */
@AutoConfiguration(after = DiscoveryAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(DiscoveryClient.class)
@ConditionalOnEnabledHealthIndicator("discovery")
public class DiscoveryHealthAutoConfiguration {

  /**
   * The indicator, named {@code discovery} in the health endpoint.
   *
   * @param client the client to report on
   * @return the indicator; closed with the context
   */
  @Bean
  @ConditionalOnMissingBean
  public DiscoveryHealthIndicator discoveryHealthIndicator(DiscoveryClient client) {
    return new DiscoveryHealthIndicator(client);
  }
}
