package io.discovery.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.discovery.client.memory.MemoryRegistry;
import io.discovery.client.spi.Lease;
import io.discovery.client.spi.RegistryBackend;
import io.discovery.client.spi.WatchHandle;
import io.discovery.client.spi.WatchListener;
import io.discovery.testing.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Small rules of the client core, each at its edge. */
class CoreEdgesTest {
  private static final Duration TTL = Duration.ofSeconds(9);
  private final ManualScheduler time = new ManualScheduler();
  private final MemoryRegistry registry = new MemoryRegistry("core-edges");
  private DiscoveryClient client;

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  private DiscoveryClient client(RegistryBackend backend) {
    client = DiscoveryClient.builder().backend(backend).scheduler(time).ttl(TTL).initialLoadTimeout(Duration.ZERO)
        .withoutShutdownHook().build();
    return client;
  }

  @Test
  void heartbeatsComeEveryThirdOfTheTtlGiveOrTakeTenPercent() {
    client(registry.backend(new ManualScheduler())); // leases on a clock of their own: the test's clock holds heartbeats only
    client.register("payments", "10.0.0.1:80");
    time.runDue();

    java.util.Set<Duration> seen = new java.util.HashSet<>();
    for (int i = 0; i < 30; i++) {
      Duration next = time.nextDelay();
      assertThat(next).isBetween(Duration.ofMillis(2700), Duration.ofMillis(3300));
      seen.add(next);
      time.advance(next);
    }
    assertThat(seen).as("jittered").hasSizeGreaterThan(20);
  }

  @Test
  void awaitRegisteredAnswersAtOnceForARegistrationThatCanNoLongerSucceed() throws Exception {
    RegistryBackend refusing = new RegistryBackend() {
      @Override
      public Lease register(ServiceInstance instance, Duration ttl) {
        throw new RegistrationRejectedException("refused for good");
      }

      @Override
      public void renew(Lease lease) {
      }

      @Override
      public void deregister(Lease lease) {
      }

      @Override
      public WatchHandle watch(String service, WatchListener listener) {
        return () -> { };
      }

      @Override
      public void close() {
      }
    };
    client(refusing);
    Registration failed = client.register("payments", "10.0.0.1:80");
    time.runDue();
    assertThat(failed.state()).isEqualTo(RegistrationState.FAILED);
    assertThat(failed.awaitRegistered(Duration.ofDays(1))).isFalse();
    assertThat(failed.failure()).hasValueSatisfying(e -> assertThat(e).hasMessage("refused for good"));

    Registration closed = client.register("payments", "10.0.0.2:80");
    closed.close();
    assertThat(closed.awaitRegistered(Duration.ofDays(1))).isFalse();
  }

  @Test
  void awaitRegisteredIsTrueOnceRegisteredAndFalseWhenItsTimeRunsOut() throws Exception {
    client(registry.backend(time));
    registry.setReachable(false);
    Registration waiting = client.register("payments", "10.0.0.1:80");
    time.runDue();
    assertThat(waiting.awaitRegistered(Duration.ZERO)).isFalse();

    registry.setReachable(true);
    time.advance(Duration.ofMinutes(1));
    assertThat(waiting.awaitRegistered(Duration.ZERO)).isTrue();
  }

  @Test
  void anEmptySnapshotSaysWhyItIsEmpty() {
    Instant at = Instant.parse("2026-11-28T10:00:00Z");
    Snapshot none = new Snapshot("payments", List.of(), 3, at, false);
    assertThat(none.isEmpty()).isTrue();
    assertThat(new Snapshot("payments", List.of(ServiceInstance.of("payments", "10.0.0.1:80")), 3, at, false).isEmpty()).isFalse();

    NoInstancesException e = NoInstancesException.of(none);
    assertThat(e.service()).isEqualTo("payments");
    assertThat(e).hasMessage("no instances of 'payments' are registered");
    assertThat(NoInstancesException.of(new Snapshot("payments", List.of(), 3, at, true)))
        .hasMessage("no instances of 'payments' were registered when the registry last answered, at 2026-11-28T10:00:00Z;"
            + " the registry is unreachable now");
  }

  @Test
  void aClientFromAUriRegistersThere() throws Exception {
    try (DiscoveryClient fromUri = DiscoveryClient.create("memory://core-edges-uri")) {
      assertThat(fromUri.register("payments", "10.0.0.1:80").awaitRegistered(Duration.ofSeconds(10))).isTrue();
      assertThat(MemoryRegistry.named("core-edges-uri").instances("payments")).hasSize(1);
    }
    assertThat(MemoryRegistry.named("core-edges-uri").instances("payments")).as("closing deregistered it").isEmpty();
  }

  @Test
  void negativeDurationsAreRefusedNamingTheSetting() {
    assertThatThrownBy(() -> DiscoveryClient.builder().shutdownTimeout(Duration.ofSeconds(-1)))
        .hasMessageContaining("shutdown timeout").hasMessageContaining("PT-1S");
    assertThatThrownBy(() -> DiscoveryClient.builder().snapshotMaxAge(Duration.ofSeconds(-1)))
        .hasMessageContaining("snapshot maximum age");
    assertThat(DiscoveryClient.builder().snapshotMaxAge(Duration.ZERO).shutdownTimeout(Duration.ZERO)).isNotNull();
  }

  @Test
  void theTtlIsAtLeastOneSecond() {
    assertThatThrownBy(() -> DiscoveryClient.builder().ttl(Duration.ofMillis(999)))
        .hasMessage("invalid ttl PT0.999S: expected at least 1 second");
    assertThat(DiscoveryClient.builder().ttl(Duration.ofSeconds(1))).isNotNull();
  }
}
