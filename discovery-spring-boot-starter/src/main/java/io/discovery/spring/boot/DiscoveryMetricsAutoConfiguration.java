package io.discovery.spring.boot;

import io.discovery.client.DiscoveryClient;
import io.discovery.micrometer.DiscoveryClientMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The client's meters ({@code discovery.registrations}, {@code discovery.view.*}) when
 * {@code discovery-micrometer} and Micrometer are on the classpath: Spring Boot binds the
 * {@link DiscoveryClientMetrics} bean to every {@link MeterRegistry} it configures.
 */
@AutoConfiguration(after = DiscoveryAutoConfiguration.class)
@ConditionalOnClass({DiscoveryClientMetrics.class, MeterRegistry.class})
@ConditionalOnBean(DiscoveryClient.class)
public class DiscoveryMetricsAutoConfiguration {

  /**
   * The binder.
   *
   * @param client the client to meter
   * @return the binder of its meters
   */
  @Bean
  @ConditionalOnMissingBean
  public DiscoveryClientMetrics discoveryClientMetrics(DiscoveryClient client) {
    return new DiscoveryClientMetrics(client);
  }
}
