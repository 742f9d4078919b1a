package io.discovery.spring.boot;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns Spring Cloud LoadBalancer's instance cache off unless the application sets
 * {@value #PROPERTY}: our views are already in memory and pushed by the registry, and the cache
 * (35 s by default) would keep callers sending to an instance for that long after it deregistered.
 */
public final class LoadBalancerCacheDefault implements EnvironmentPostProcessor {
  static final String PROPERTY = "spring.cloud.loadbalancer.cache.enabled";
  static final String SOURCE = "discoveryDefaults";

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    if (!environment.getPropertySources().contains(SOURCE)) {
      environment.getPropertySources().addLast(new MapPropertySource(SOURCE, Map.of(PROPERTY, "false")));
    }
  }
}
