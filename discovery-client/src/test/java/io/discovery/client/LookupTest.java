package io.discovery.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.discovery.client.memory.MemoryRegistry;
import io.discovery.client.spi.RegistryBackend;
import io.discovery.testing.ManualScheduler;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Views made by lookup() for names that may not be services, and when forgetIfUnused drops them. */
class LookupTest {
  private final ManualScheduler time = new ManualScheduler();
  private final MemoryRegistry registry = new MemoryRegistry("lookup-test");
  private final RegistryBackend peer = registry.backend(new ManualScheduler());
  private final DiscoveryClient client = DiscoveryClient.builder().backend(registry.backend(time)).scheduler(time)
      .initialLoadTimeout(Duration.ZERO).withoutShutdownHook().build();

  @AfterEach
  void close() {
    client.close();
  }

  @Test
  void anEmptyLookedUpViewNobodyUsesIsDroppedWithItsWatch() {
    client.lookup("www.example.com", Duration.ZERO);
    assertThat(registry.watches("www.example.com")).isEqualTo(1);

    assertThat(client.forgetIfUnused("WWW.example.com")).isTrue();

    assertThat(client.watchedServices()).doesNotContain("www.example.com");
    assertThat(registry.watches("www.example.com")).isZero();
    assertThat(client.forgetIfUnused("www.example.com")).as("already gone").isFalse();
  }

  @Test
  void aViewAskedForThroughServiceIsKept() {
    client.lookup("payments", Duration.ZERO);
    client.service("payments");

    assertThat(client.forgetIfUnused("payments")).isFalse();
    assertThat(client.watchedServices()).contains("payments");
  }

  @Test
  void aViewWithInstancesIsKept() {
    peer.register(ServiceInstance.of("payments", "10.0.0.1:80"), Duration.ofSeconds(10));
    client.lookup("payments", Duration.ZERO);

    assertThat(client.forgetIfUnused("payments")).isFalse();
  }

  @Test
  void aViewWithASubscriberIsKept() throws Exception {
    try (AutoCloseable subscription = client.lookup("payments", Duration.ZERO).subscribe(s -> { })) {
      assertThat(client.forgetIfUnused("payments")).isFalse();
    }
    assertThat(client.forgetIfUnused("payments")).as("once unsubscribed").isTrue();
  }

  @Test
  void aViewTheRegistryHasNotAnsweredForIsKept() {
    registry.setReachable(false);
    client.lookup("payments", Duration.ZERO);

    assertThat(client.forgetIfUnused("payments")).isFalse();
  }

  @Test
  void anUnknownNameIsNothingToForget() {
    assertThat(client.forgetIfUnused("never-asked")).isFalse();
  }

  @Test
  void aLaterLookupStartsANewView() {
    ServiceView first = client.lookup("payments", Duration.ZERO);
    client.forgetIfUnused("payments");
    peer.register(ServiceInstance.of("payments", "10.0.0.1:80"), Duration.ofSeconds(10));

    ServiceView second = client.lookup("payments", Duration.ZERO);

    assertThat(second).isNotSameAs(first);
    assertThat(second.instances()).hasSize(1);
    assertThat(first.instances()).as("the dropped view no longer follows the registry").isEmpty();
  }

  @Test
  void aViewTheRegistryCannotAnswerForIsSaidOnceWithWhy() {
    registry.setReachable(false);
    String down = Stderr.capture(() -> {
      client.lookup("payments", Duration.ZERO);
      client.lookup("payments", Duration.ZERO);
    });
    assertThat(down.split("no answer from the registry about 'payments' yet", -1)).as("once, for the view it started")
        .hasSize(2);
    assertThat(down).contains("(the registry is unreachable)");
    assertThat(client.registryKnownDown()).isTrue();

    registry.setReachable(true);
    String up = Stderr.capture(() -> assertThat(client.lookup("orders").snapshot().stale()).isFalse());
    assertThat(up).as("answered at once: nothing to say").doesNotContain("no answer from the registry");
  }
}
