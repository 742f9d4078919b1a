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

/** Cached views on the memory registry and fake time. */
class ServiceViewTest {
  private final ManualScheduler time = new ManualScheduler();
  private final MemoryRegistry registry = new MemoryRegistry("view-test");
  private final RegistryBackend peer = registry.backend(new ManualScheduler());
  private final DiscoveryClient client = DiscoveryClient.builder()
      .backend(registry.backend(time))
      .scheduler(time)
      .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
      .initialLoadTimeout(Duration.ZERO)
      .withoutShutdownHook()
      .build();

  @AfterEach
  void closeClient() {
    client.close();
  }

  @Test
  void aListenerThatThrowsOnItsFirstCallIsNotLeftSubscribed() {
    ServiceView view = client.service("payments");
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> view.subscribe(s -> {
      calls.incrementAndGet();
      throw new IllegalStateException("boom");
    })).hasMessage("boom");
    peer.register(ServiceInstance.of("payments", "10.0.0.1:80"), Duration.ofSeconds(10));

    assertThat(view.instances()).hasSize(1);
    assertThat(calls).as("called once, for the current snapshot, and not for the change").hasValue(1);
  }

  @Test
  void firstCallLoadsTheCurrentInstances() {
    peer.register(ServiceInstance.of("payments", "10.0.0.2:80"), Duration.ofSeconds(10));
    peer.register(ServiceInstance.of("payments", "10.0.0.1:80"), Duration.ofSeconds(10));

    ServiceView view = client.service("payments");

    assertThat(view.instances()).extracting(ServiceInstance::hostPort).containsExactly("10.0.0.1:80", "10.0.0.2:80");
    assertThat(view.snapshot().stale()).isFalse();
    assertThat(view.snapshot().revision()).isEqualTo(registry.revision());
    assertThat(client.service("payments")).isSameAs(view);
  }

  @Test
  void changesArePushedAsWholeSnapshotsSwappedAtomically() throws Exception {
    ServiceView view = client.service("payments");
    List<Snapshot> seen = new CopyOnWriteArrayList<>();
    AutoCloseable subscription = view.subscribe(seen::add);
    Snapshot empty = view.snapshot();

    var lease = peer.register(ServiceInstance.of("payments", "10.0.0.1:80"), Duration.ofSeconds(10));
    peer.register(ServiceInstance.of("payments", "10.0.0.2:80"), Duration.ofSeconds(10));
    peer.register(ServiceInstance.of("orders", "10.0.0.3:80"), Duration.ofSeconds(10));
    peer.deregister(lease);

    assertThat(seen).extracting(s -> s.instances().size()).containsExactly(0, 1, 2, 1);
    assertThat(seen.get(0)).isSameAs(empty);
    assertThat(empty.instances()).as("an old snapshot never changes").isEmpty();
    assertThat(view.instances()).extracting(ServiceInstance::hostPort).containsExactly("10.0.0.2:80");

    subscription.close();
    peer.register(ServiceInstance.of("payments", "10.0.0.4:80"), Duration.ofSeconds(10));
    assertThat(seen).hasSize(4);
    assertThat(view.instances()).hasSize(2);
  }

  @Test
  void registryOutageKeepsTheLastInstancesMarkedStaleAndRewatchesWithBackoff() {
    peer.register(ServiceInstance.of("payments", "10.0.0.1:80"), Duration.ofSeconds(10));
    ServiceView view = client.service("payments");

    registry.setReachable(false);

    assertThat(view.snapshot().stale()).isTrue();
    assertThat(view.instances()).hasSize(1);
    time.advance(Duration.ofSeconds(5));
    assertThat(view.snapshot().stale()).as("still down").isTrue();
    assertThat(view.instances()).hasSize(1);

    registry.setReachable(true);
    peer.register(ServiceInstance.of("payments", "10.0.0.2:80"), Duration.ofSeconds(10));
    assertThat(time.nextDelay()).isLessThanOrEqualTo(Duration.ofSeconds(1));
    time.advance(time.nextDelay());

    assertThat(view.snapshot().stale()).isFalse();
    assertThat(view.instances()).hasSize(2);
  }

  @Test
  void aViewOfAnUnreachableRegistryStartsEmptyAndStaleThenFillsIn() {
    registry.setReachable(false);
    ServiceView view = client.service("payments");

    assertThat(view.snapshot().stale()).isTrue();
    assertThat(view.instances()).isEmpty();
    assertThat(NoInstancesException.of(view.snapshot()))
        .hasMessageStartingWith("no instances of 'payments' are known: the registry has not answered");

    registry.setReachable(true);
    peer.register(ServiceInstance.of("payments", "10.0.0.1:80"), Duration.ofSeconds(10));
    time.advance(Duration.ofSeconds(2));
    assertThat(view.snapshot().stale()).isFalse();
    assertThat(view.instances()).hasSize(1);
  }

  @Test
  void closingTheClientStopsTheWatch() {
    ServiceView view = client.service("payments");
    assertThat(registry.watches("payments")).isEqualTo(1);

    client.close();

    assertThat(registry.watches("payments")).isZero();
    peer.register(ServiceInstance.of("payments", "10.0.0.1:80"), Duration.ofSeconds(10));
    assertThat(view.instances()).isEmpty();
  }
}
