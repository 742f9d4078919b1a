package io.discovery.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import io.discovery.client.RegistrationState;
import io.discovery.client.memory.MemoryRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fake time: tasks run in time order on the caller's thread, and only when the test moves the clock. */
class ManualSchedulerTest {

  @Test
  void tasksRunInTimeOrderOnlyWhenTheClockReachesThem() {
    ManualScheduler time = new ManualScheduler();
    List<String> ran = new ArrayList<>();
    time.schedule(() -> ran.add("b at 2s"), Duration.ofSeconds(2));
    time.schedule(() -> ran.add("a at 1s"), Duration.ofSeconds(1));
    time.schedule(() -> ran.add("c at 3s"), Duration.ofSeconds(3)).cancel();

    time.advance(Duration.ofMillis(999));
    assertThat(ran).isEmpty();
    assertThat(time.nextDelay()).isEqualTo(Duration.ofMillis(1));

    time.advance(Duration.ofSeconds(5));
    assertThat(ran).containsExactly("a at 1s", "b at 2s");
    assertThat(time.clock().instant()).isEqualTo(Instant.EPOCH.plusMillis(5999));
  }

  @Test
  void whatATaskThrowsReachesTheTest() {
    ManualScheduler time = new ManualScheduler();
    time.schedule(() -> {
      throw new IllegalStateException("task failed");
    }, Duration.ZERO);

    assertThatThrownBy(time::runDue).hasMessage("task failed");
  }

  @Test
  void aClientRunsOnItWithoutSleeping() {
    // readme:begin testing
    ManualScheduler time = new ManualScheduler();        // nothing runs until the test moves the clock
    MemoryRegistry registry = new MemoryRegistry("readme-testing");
    try (DiscoveryClient client = DiscoveryClient.builder().backend(registry.backend(time)).scheduler(time)
        .ttl(Duration.ofSeconds(10)).withoutShutdownHook().build()) {
      Registration registration = client.register("payments", "10.0.0.1:8080");
      time.runDue();                                     // the registration, now, on this thread
      time.advance(Duration.ofMinutes(5));               // five minutes of heartbeats, in no time
      assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERED);

      registry.setReachable(false);                      // the registry goes away
      time.advance(Duration.ofSeconds(10));
      assertThat(registration.state()).isEqualTo(RegistrationState.RETRYING);
    }
    // readme:end testing
  }
}
