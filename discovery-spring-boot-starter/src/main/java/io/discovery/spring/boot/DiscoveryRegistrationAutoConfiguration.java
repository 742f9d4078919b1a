package io.discovery.spring.boot;

import io.discovery.client.DiscoveryClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;
import org.springframework.cloud.client.serviceregistry.ServiceRegistryAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Registers a web application as {@code spring.application.name} at its web server's port, unless
 * {@code discovery.register=false}; see {@link ServiceRegistrar} for when. Also gives Spring Cloud's
 * {@code ServiceRegistry} and {@code Registration}, with which the {@code serviceregistry} actuator
 * endpoint takes the instance out of service and back.
 */
@AutoConfiguration(after = DiscoveryAutoConfiguration.class, before = ServiceRegistryAutoConfiguration.class)
@ConditionalOnClass(WebServerApplicationContext.class)
@ConditionalOnWebApplication
@ConditionalOnBean(DiscoveryClient.class)
@ConditionalOnProperty(prefix = "discovery", name = "register", havingValue = "true", matchIfMissing = true)
public class DiscoveryRegistrationAutoConfiguration {

  /**
   * The lifecycle that registers once the web server listens and deregisters before it stops.
   *
   * @param client      the client that registers
   * @param context     the context whose web server's port is registered
   * @param environment where {@code spring.application.name} and {@code server.ssl.*} are read
   * @param properties  {@code discovery.instance.*}
   * @return the registrar
   */
  @Bean
  @ConditionalOnMissingBean
  public ServiceRegistrar discoveryServiceRegistrar(DiscoveryClient client, ApplicationContext context,
      Environment environment, DiscoveryProperties properties) {
    return new ServiceRegistrar(client, context, () -> LocalInstance.of(environment, properties));
  }

  /**
   * Spring Cloud's {@code ServiceRegistry} and {@code Registration} of this application, which turn
   * on its {@code serviceregistry} actuator endpoint; left out when another library (Spring Cloud
   * Zookeeper, Consul, Eureka) brings its own, so that the endpoint finds one of each.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean({ServiceRegistry.class, org.springframework.cloud.client.serviceregistry.Registration.class})
  static class SpringCloudServiceRegistry {

    @Bean
    CloudRegistration discoveryCloudRegistration(ServiceRegistrar registrar) {
      return new CloudRegistration(registrar);
    }

    @Bean
    CloudServiceRegistry discoveryCloudServiceRegistry() {
      return new CloudServiceRegistry();
    }
  }
}
