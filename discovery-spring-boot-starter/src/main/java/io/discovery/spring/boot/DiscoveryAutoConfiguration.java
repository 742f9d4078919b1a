package io.discovery.spring.boot;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.DiscoveryListener;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * A {@link DiscoveryClient} for {@code discovery.registry} (else {@code DISCOVERY_REGISTRY}), closed with the
 * context, which owns its lifecycle: it installs no JVM shutdown hook. {@link DiscoveryListener} beans get its
 * events.
 */
@AutoConfiguration
@EnableConfigurationProperties(DiscoveryProperties.class)
public class DiscoveryAutoConfiguration {

  /**
   * The client every other part of the starter uses.
   *
   * @param properties {@code discovery.*}
   * @param listeners  listener beans, in their order
   * @return the client; closing the context closes it, deregistering what is still registered
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public DiscoveryClient discoveryClient(DiscoveryProperties properties, ObjectProvider<DiscoveryListener> listeners) {
    DiscoveryClient.Builder builder = DiscoveryClient.builder()
        .registry(properties.getRegistry())
        .withoutShutdownHook();
    if (properties.getTtl() != null) {
      builder.ttl(properties.getTtl());
    }
    listeners.orderedStream().forEach(builder::listener);
    return builder.build();
  }
}
