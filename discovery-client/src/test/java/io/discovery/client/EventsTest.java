package io.discovery.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.discovery.client.memory.MemoryRegistry;
import io.discovery.client.spi.RegistryBackend;
import io.discovery.testing.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client's typed events, on the memory registry and fake time. */
class EventsTest {
  private static final Duration TTL = Duration.ofSeconds(9);
  private final ManualScheduler time = new ManualScheduler();
  private final ManualScheduler registryTime = new ManualScheduler();
  private final MemoryRegistry registry = new MemoryRegistry("events-test");
  private final RegistryBackend peer = registry.backend(new ManualScheduler());
  private final List<DiscoveryEvent> events = new CopyOnWriteArrayList<>();
  private final DiscoveryClient client = DiscoveryClient.builder()
      .backend(registry.backend(registryTime))
      .scheduler(time)
      .ttl(TTL)
      .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
      .initialLoadTimeout(Duration.ZERO)
      .listener(event -> {
        throw new IllegalStateException("a broken listener must not stop the others");
      })
      .listener(events::add)
      .withoutShutdownHook()
      .build();

  @AfterEach
  void close() {
    client.close();
  }

  private List<String> names() {
    return events.stream().map(e -> e.getClass().getSimpleName()).toList();
  }

  @Test
  void aRegistrationReportsEveryStateChangeItGoesThrough() {
    Registration registration = client.register("payments", "10.0.0.1:80");
    time.runDue();
    registry.setReachable(false);
    time.advance(TTL);
    registry.setReachable(true);
    time.advance(TTL);
    registry.expire("payments", registration.instance().id());
    time.advance(TTL);
    registration.close();

    assertThat(names()).containsExactly("Registered", "RenewalFailed", "Registered", "LeaseLost", "Registered", "Deregistered");
    assertThat(events.get(0)).isEqualTo(new DiscoveryEvent.Registered(registration.instance(), false));
    assertThat(events.get(2)).isEqualTo(new DiscoveryEvent.Registered(registration.instance(), true));
    assertThat(events.get(1).message()).startsWith("could not renew 'payments' instance").contains("retrying");
    assertThat(events.get(3).severity()).isEqualTo(DiscoveryEvent.Severity.WARN);
  }

  @Test
  void aRefusedRegistrationReportsItsReason() {
    RecordingBackend refusing = new RecordingBackend(registry.backend(registryTime));
    refusing.nextRegisterFailure = new RegistrationRejectedException("HTTP 403: permission denied");
    List<DiscoveryEvent> seen = new CopyOnWriteArrayList<>();
    try (DiscoveryClient other = DiscoveryClient.builder().backend(refusing).scheduler(time).withoutLogging()
        .listener(seen::add).withoutShutdownHook().build()) {
      other.register("payments", "10.0.0.1:80");
      time.runDue();
    }

    assertThat(seen).singleElement().isInstanceOfSatisfying(DiscoveryEvent.Failed.class, failed -> {
      assertThat(failed.cause()).hasMessage("HTTP 403: permission denied");
      assertThat(failed.severity()).isEqualTo(DiscoveryEvent.Severity.ERROR);
    });
  }

  @Test
  void aViewReportsLoadsChangesOutagesAndProtection() {
    peer.register(ServiceInstance.of("payments", "10.0.0.1:80"), Duration.ofHours(1));
    ServiceView view = client.service("payments");
    ServiceInstance second = ServiceInstance.of("payments", "10.0.0.2:80");
    peer.register(second, Duration.ofHours(1));
    registry.setReachable(false);
    registry.setReachable(true);
    time.advance(Duration.ofSeconds(2));
    registry.wipe();
    time.advance(TTL.multipliedBy(2));

    assertThat(names()).containsExactly("ViewLoaded", "ViewChanged", "ViewStale", "ViewFresh", "ViewHeld", "ViewReleased",
        "ViewChanged");
    DiscoveryEvent.ViewChanged changed = (DiscoveryEvent.ViewChanged) events.get(1);
    assertThat(changed.added()).containsExactly(second);
    assertThat(changed.removed()).isEmpty();
    DiscoveryEvent.ViewHeld held = (DiscoveryEvent.ViewHeld) events.get(4);
    assertThat(held.kept()).isEqualTo(2);
    assertThat(held.answered()).isZero();
    assertThat(held.hold()).isEqualTo(TTL.multipliedBy(2));
    assertThat(((DiscoveryEvent.ViewReleased) events.get(5)).expired()).isTrue();
    assertThat(view.instances()).isEmpty();
  }
}
