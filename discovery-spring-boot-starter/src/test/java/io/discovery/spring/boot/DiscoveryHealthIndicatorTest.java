package io.discovery.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.RegistrationRejectedException;
import io.discovery.client.RegistrationState;
import io.discovery.client.Registration;
import io.discovery.client.ServiceInstance;
import io.discovery.client.memory.MemoryRegistry;
import io.discovery.client.spi.Lease;
import io.discovery.client.spi.RegistryBackend;
import io.discovery.client.spi.WatchHandle;
import io.discovery.client.spi.WatchListener;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class DiscoveryHealthIndicatorTest {
  private final String registryName = "health-" + UUID.randomUUID();
  private final MemoryRegistry registry = MemoryRegistry.named(registryName);
  private DiscoveryClient client = DiscoveryClient.builder().registry("memory://" + registryName).withoutShutdownHook()
      .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(100)).build();

  @AfterEach
  void close() {
    registry.setReachable(true);
    client.close();
  }

  @Test
  void upWithEachRegistrationsStateAndEachViewsStaleFlag() throws InterruptedException {
    Registration registration = client.register(ServiceInstance.of("orders", "10.0.0.1:8080"));
    assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    client.service("payments");

    try (DiscoveryHealthIndicator indicator = new DiscoveryHealthIndicator(client)) {
      Health health = indicator.health();

      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails().get("registrations")).isEqualTo(Map.of(
          "orders/orders-10.0.0.1-8080", Map.of("state", "REGISTERED", "address", "10.0.0.1:8080")));
      assertThat(health.getDetails().get("views")).isEqualTo(Map.of("payments", Map.of("instances", 0, "stale", false)));

      registry.setReachable(false);
      await().atMost(Duration.ofSeconds(10)).until(() -> client.service("payments").snapshot().stale());
      assertThat(indicator.health().getDetails().get("views")).isEqualTo(Map.of("payments", Map.of("instances", 0, "stale", true)));
    }
  }

  @Test
  void outOfServiceWhileARegistrationIsParked() throws InterruptedException {
    Registration registration = client.register(ServiceInstance.of("orders", "10.0.0.1:8080"));
    assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    registration.setOutOfService(true);

    try (DiscoveryHealthIndicator indicator = new DiscoveryHealthIndicator(client)) {
      assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
      registration.setOutOfService(false);
      assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
    }
  }

  @Test
  void unknownWhileTheRegistryIsUnreachable() {
    registry.setReachable(false);
    Registration registration = client.register(ServiceInstance.of("orders", "10.0.0.1:8080"));

    try (DiscoveryHealthIndicator indicator = new DiscoveryHealthIndicator(client)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> registration.state() == RegistrationState.RETRYING);
      assertThat(indicator.health().getStatus()).isEqualTo(Status.UNKNOWN);

      registry.setReachable(true);
      await().atMost(Duration.ofSeconds(10)).until(() -> indicator.health().getStatus().equals(Status.UP));
    }
  }

  @Test
  void downWithTheReasonWhenTheRegistryRefusesARegistration() {
    client.close();
    client = DiscoveryClient.builder().backend(new Refusing()).withoutShutdownHook().build();
    Registration registration = client.register(ServiceInstance.of("orders", "10.0.0.1:8080"));

    try (DiscoveryHealthIndicator indicator = new DiscoveryHealthIndicator(client)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> registration.state() == RegistrationState.FAILED);
      Health health = indicator.health();

      assertThat(health.getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.getDetails().get("registrations")).isEqualTo(Map.of("orders/orders-10.0.0.1-8080",
          Map.of("state", "FAILED", "address", "10.0.0.1:8080", "failure", "instance too large for this registry")));
    }
  }

  /** A registry that refuses every instance for good, as etcd refuses one over its request limit. */
  private static final class Refusing implements RegistryBackend {
    @Override
    public Lease register(ServiceInstance instance, Duration ttl) {
      throw new RegistrationRejectedException("instance too large for this registry");
    }

    @Override
    public void renew(Lease lease) {
      throw new IllegalStateException("nothing was registered, so nothing renews");
    }

    @Override
    public void deregister(Lease lease) {
      throw new IllegalStateException("nothing was registered, so nothing deregisters");
    }

    @Override
    public WatchHandle watch(String service, WatchListener listener) {
      throw new UnsupportedOperationException("this test registry has no views");
    }

    @Override
    public void close() {
    }
  }
}
