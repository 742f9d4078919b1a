package io.discovery.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.ServiceInstance;
import io.discovery.micrometer.DiscoveryClientMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class DiscoveryAutoConfigurationTest {
  private static final AutoConfigurations STARTER = AutoConfigurations.of(
      DiscoveryAutoConfiguration.class, DiscoveryRegistrationAutoConfiguration.class, DiscoveryCloudAutoConfiguration.class,
      DiscoveryHealthAutoConfiguration.class, DiscoveryMetricsAutoConfiguration.class);

  private final ApplicationContextRunner plain = new ApplicationContextRunner()
      .withConfiguration(STARTER)
      .withPropertyValues("discovery.registry=memory://autoconfig");
  private final WebApplicationContextRunner web = new WebApplicationContextRunner()
      .withConfiguration(STARTER)
      .withPropertyValues("discovery.registry=memory://autoconfig", "spring.application.name=orders");

  @Test
  void clientIsClosedWithTheContext() {
    AtomicReference<DiscoveryClient> client = new AtomicReference<>();
    plain.run(context -> client.set(context.getBean(DiscoveryClient.class)));

    assertThatThrownBy(() -> client.get().service("orders"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void propertiesBindIntoTheInstanceThatRegisters() {
    web.withPropertyValues("discovery.ttl=7s", "discovery.instance.host=10.1.2.3", "discovery.instance.zone=eu-1a",
            "discovery.instance.weight=5", "discovery.instance.metadata.version=2.1", "discovery.instance.metadata.team=pay")
        .run(context -> {
          DiscoveryProperties properties = context.getBean(DiscoveryProperties.class);
          assertThat(properties.getTtl()).isEqualTo(Duration.ofSeconds(7));

          ServiceInstance instance = LocalInstance.of(context.getEnvironment(), properties).at(8080);

          assertThat(instance.service()).isEqualTo("orders");
          assertThat(instance.hostPort()).isEqualTo("10.1.2.3:8080");
          assertThat(instance.zone()).isEqualTo("eu-1a");
          assertThat(instance.weight()).isEqualTo(5);
          assertThat(instance.metadata()).isEqualTo(Map.of("version", "2.1", "team", "pay"));
          assertThat(instance.secure()).isFalse();
        });
  }

  @Test
  void theInstanceIsSecureWhenSpringBootWouldServeTls() {
    java.util.function.Function<String[], Boolean> secure = props -> {
      boolean[] result = new boolean[1];
      web.withPropertyValues(props).run(context -> result[0] =
          LocalInstance.of(context.getEnvironment(), context.getBean(DiscoveryProperties.class)).at(8443).secure());
      return result[0];
    };
    assertThat(secure.apply(new String[] {"server.ssl.key-store=classpath:keystore.p12"})).as("a key store alone").isTrue();
    assertThat(secure.apply(new String[] {"server.ssl.bundle=web"})).isTrue();
    assertThat(secure.apply(new String[] {"server.ssl.certificate=classpath:cert.pem"})).isTrue();
    assertThat(secure.apply(new String[] {"server.ssl.key-store=classpath:keystore.p12", "server.ssl.enabled=false"})).isFalse();
    assertThat(secure.apply(new String[] {"server.ssl.enabled=true"})).as("enabled, but nothing to serve TLS with").isFalse();
  }

  @Test
  void aWebApplicationWithoutANameIsRefusedNamingTheProperty() {
    new WebApplicationContextRunner().withConfiguration(STARTER).withPropertyValues("discovery.registry=memory://autoconfig")
        .run(context -> assertThatThrownBy(() -> LocalInstance.of(context.getEnvironment(), context.getBean(DiscoveryProperties.class)))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("spring.application.name"));
  }

  @Test
  void registersOnlyWebApplicationsThatDoNotOptOut() {
    web.run(context -> assertThat(context).hasSingleBean(ServiceRegistrar.class));
    web.withPropertyValues("discovery.register=false").run(context -> assertThat(context).doesNotHaveBean(ServiceRegistrar.class));
    plain.run(context -> assertThat(context).doesNotHaveBean(ServiceRegistrar.class));
  }

  @Test
  void registrarStopsBeforeTheWebServerStopsTakingRequests() {
    // SmartLifecycle beans stop from the highest phase down
    assertThat(ServiceRegistrar.PHASE).isGreaterThan(WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE);
    web.run(context -> assertThat(context.getBean(ServiceRegistrar.class).getPhase()).isEqualTo(ServiceRegistrar.PHASE));
  }

  @Test
  void aWebContextWithoutAServerRegistersNothing() {
    web.run(context -> {
      ServiceRegistrar registrar = context.getBean(ServiceRegistrar.class);
      assertThat(registrar.isRunning()).isTrue();
      assertThat(registrar.registration()).isEmpty();
      assertThat(context.getBean(DiscoveryClient.class).registrations()).isEmpty();
    });
  }

  @Test
  void springCloudsServiceRegistrySaysWhenNothingIsRegisteredAndRefusesAnUnknownStatus() {
    web.run(context -> {
      CloudServiceRegistry registry = context.getBean(CloudServiceRegistry.class);
      CloudRegistration registration = context.getBean(CloudRegistration.class);

      assertThat((String) registry.getStatus(registration)).isEqualTo("CLOSED");
      assertThatThrownBy(() -> registry.setStatus(registration, "DRAINING")).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("unknown status 'DRAINING': expected UP or OUT_OF_SERVICE");
      assertThatThrownBy(() -> registry.setStatus(registration, "UP")).isInstanceOf(IllegalStateException.class)
          .hasMessage("cannot set the status to UP: this application is not registered");
      assertThatThrownBy(registration::getServiceId).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not registered");
    });
  }

  @Test
  void anotherLibrarysRegistrationMakesOurServiceRegistryBackOff() {
    web.withUserConfiguration(OtherRegistration.class).run(context -> assertThat(context)
        .hasSingleBean(ServiceRegistrar.class)
        .doesNotHaveBean(CloudServiceRegistry.class)
        .doesNotHaveBean(CloudRegistration.class));
  }

  @Configuration(proxyBeanMethods = false)
  static class OtherRegistration {
    @Bean
    org.springframework.cloud.client.serviceregistry.Registration otherRegistration() {
      return new org.springframework.cloud.client.serviceregistry.Registration() {
        @Override
        public String getServiceId() {
          return "orders";
        }

        @Override
        public String getHost() {
          return "10.0.0.1";
        }

        @Override
        public int getPort() {
          return 8080;
        }

        @Override
        public boolean isSecure() {
          return false;
        }

        @Override
        public java.net.URI getUri() {
          return java.net.URI.create("http://10.0.0.1:8080");
        }

        @Override
        public Map<String, String> getMetadata() {
          return Map.of();
        }
      };
    }
  }

  @Test
  void springCloudClientsHealthAndMetricsComeWithTheirClasses() {
    plain.run(context -> assertThat(context)
        .hasSingleBean(CloudDiscoveryClient.class)
        .hasSingleBean(ReactiveCloudDiscoveryClient.class)
        .hasSingleBean(DiscoveryHealthIndicator.class)
        .hasSingleBean(DiscoveryClientMetrics.class));
    plain.withClassLoader(new FilteredClassLoader(HealthIndicator.class, DiscoveryClientMetrics.class, reactor.core.publisher.Flux.class))
        .run(context -> assertThat(context)
            .hasSingleBean(CloudDiscoveryClient.class)
            .doesNotHaveBean(ReactiveCloudDiscoveryClient.class)
            .doesNotHaveBean(DiscoveryHealthIndicator.class)
            .doesNotHaveBean(DiscoveryClientMetrics.class));
    plain.withPropertyValues("management.health.discovery.enabled=false", "spring.cloud.discovery.enabled=false")
        .run(context -> assertThat(context)
            .doesNotHaveBean(DiscoveryHealthIndicator.class)
            .doesNotHaveBean(CloudDiscoveryClient.class)
            .hasSingleBean(DiscoveryClient.class));
  }

  @Test
  void anApplicationsOwnClientReplacesTheStartersClient() {
    plain.withUserConfiguration(OwnClient.class).run(context -> {
      assertThat(context).hasSingleBean(DiscoveryClient.class);
      assertThat(context.getBean(DiscoveryClient.class)).isSameAs(context.getBean(OwnClient.class).client);
    });
  }

  @Test
  void loadBalancerCacheIsOffUnlessTheApplicationSetsIt() {
    StandardEnvironment defaults = new StandardEnvironment();
    new LoadBalancerCacheDefault().postProcessEnvironment(defaults, null);
    assertThat(defaults.getProperty(LoadBalancerCacheDefault.PROPERTY)).isEqualTo("false");

    StandardEnvironment chosen = new StandardEnvironment();
    chosen.getPropertySources().addFirst(new MapPropertySource("app", Map.of(LoadBalancerCacheDefault.PROPERTY, "true")));
    new LoadBalancerCacheDefault().postProcessEnvironment(chosen, null);
    assertThat(chosen.getProperty(LoadBalancerCacheDefault.PROPERTY)).isEqualTo("true");
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnClient {
    final DiscoveryClient client = DiscoveryClient.builder().registry("memory://own").withoutShutdownHook().build();

    @Bean
    DiscoveryClient ownDiscoveryClient() {
      return client;
    }
  }
}
