package io.discovery.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.discovery.client.memory.MemoryRegistry;
import io.discovery.client.spi.Lease;
import io.discovery.client.spi.RegistryBackend;
import io.discovery.client.spi.WatchHandle;
import io.discovery.client.spi.WatchListener;
import io.discovery.testing.ManualScheduler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A process that starts while its registry is down, on fake time: the load timeout is an hour of it. */
class StartupTest {
  private static final Duration LOAD_TIMEOUT = Duration.ofHours(1);
  private final ManualScheduler time = new ManualScheduler();
  private final MemoryRegistry registry = new MemoryRegistry("startup-test");
  private final DiscoveryClient client = DiscoveryClient.builder()
      .backend(registry.backend(time))
      .scheduler(time)
      .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
      .initialLoadTimeout(LOAD_TIMEOUT)
      .withoutShutdownHook()
      .build();

  @AfterEach
  void closeClient() {
    client.close();
  }

  /** {@code service(name)} on another thread; a call that waited on real time would miss the deadline. */
  private CompletableFuture<ServiceView> resolve(String name) {
    CompletableFuture<ServiceView> result = new CompletableFuture<>();
    Thread caller = new Thread(() -> {
      try {
        result.complete(client.service(name));
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    }, "caller-" + name);
    caller.setDaemon(true);
    caller.start();
    return result;
  }

  /**
   * Once a caller's view exists (its failed watch has a retry pending), moves fake time a minute at a
   * time until {@code call} returns; each step leaves the waiter more than one of its 20 ms wait slices
   * to notice, so it returns within a step or two of its deadline.
   */
  private ServiceView advanceUntilReturned(CompletableFuture<ServiceView> call) throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> time.pending() > 0);
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < giveUp) {
      try {
        return call.get(30, TimeUnit.MILLISECONDS);
      } catch (TimeoutException stillWaiting) {
        time.advance(Duration.ofMinutes(1));
      }
    }
    throw new AssertionError("service() never returned; fake time is at " + Duration.ofNanos(time.nanos()));
  }

  @Test
  void aDownRegistryCostsOneInitialLoadTimeoutInTotalNotOnePerService() throws Exception {
    registry.setReachable(false);
    // Fake time passes until the first call gives up waiting: one load timeout.
    ServiceView payments = advanceUntilReturned(resolve("payments"));
    assertThat(payments.snapshot().stale()).isTrue();
    assertThat(payments.snapshot().loaded()).isFalse();

    // The client now knows the registry is down: later services, and the same one again, cost no wait.
    ServiceView orders = resolve("orders").get(10, TimeUnit.SECONDS);
    ServiceView users = resolve("users").get(10, TimeUnit.SECONDS);
    assertThat(resolve("payments").get(10, TimeUnit.SECONDS)).isSameAs(payments);
    assertThat(orders.snapshot().stale()).isTrue();
    assertThat(users.instances()).isEmpty();

    registry.setReachable(true);
    registry.backend(new ManualScheduler()).register(ServiceInstance.of("orders", "10.0.0.1:80"), Duration.ofMinutes(5));
    time.advance(Duration.ofSeconds(2));
    assertThat(orders.instances()).extracting(ServiceInstance::hostPort).containsExactly("10.0.0.1:80");
    assertThat(orders.snapshot().stale()).isFalse();
  }

  @Test
  void aViewStillLoadingIsWaitedForUntilItsOwnDeadlineOnly() throws Exception {
    registry.setReachable(false);
    CompletableFuture<ServiceView> first = resolve("payments");
    CompletableFuture<ServiceView> second = resolve("payments");
    ServiceView one = advanceUntilReturned(first);
    ServiceView other = advanceUntilReturned(second);

    assertThat(one).isSameAs(other);
    assertThat(time.nanos()).as("both gave up at the view's one deadline, not one each")
        .isLessThanOrEqualTo(LOAD_TIMEOUT.plusMinutes(5).toNanos());
  }

  @Test
  void noInstancesTellsANeverAnsweringRegistryFromAnEmptyService() throws Exception {
    registry.setReachable(false);
    Snapshot neverLoaded = advanceUntilReturned(resolve("payments")).snapshot();
    assertThat(NoInstancesException.of(neverLoaded)).hasMessageContaining("'payments'")
        .hasMessageContaining("has not answered").hasMessageNotContaining("are registered");

    registry.setReachable(true);
    time.advance(Duration.ofSeconds(2));
    Snapshot empty = client.service("payments").snapshot();
    assertThat(empty.loaded()).isTrue();
    assertThat(NoInstancesException.of(empty)).hasMessage("no instances of 'payments' are registered");

    registry.setReachable(false);
    assertThat(NoInstancesException.of(client.service("payments").snapshot()))
        .hasMessageContaining("were registered when the registry last answered");
  }

  @Test
  void aCallerThatChoosesNotToWaitDoesNotMakeTheClientTakeTheRegistryForDown() {
    // A registry that is up but has not answered yet: its watch never calls back.
    RegistryBackend silent = new RegistryBackend() {
      @Override
      public Lease register(ServiceInstance instance, Duration ttl) {
        throw new UnsupportedOperationException();
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
    try (DiscoveryClient quiet = DiscoveryClient.builder().backend(silent).scheduler(time).initialLoadTimeout(LOAD_TIMEOUT)
        .withoutShutdownHook().build()) {
      ServiceView view = quiet.service("payments", Duration.ZERO);

      assertThat(view.snapshot().loaded()).isFalse();
      assertThat(quiet.registryKnownDown()).as("only the view's own deadline tells that").isFalse();
    }
  }
}
