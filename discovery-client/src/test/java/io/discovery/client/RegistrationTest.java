package io.discovery.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.discovery.client.memory.MemoryRegistry;
import io.discovery.testing.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Registration lifecycle on the memory registry and fake time. */
class RegistrationTest {
  private static final Duration TTL = Duration.ofSeconds(9);

  /** The client's time. */
  private final ManualScheduler time = new ManualScheduler();
  /** The registry's time, on which leases expire; kept apart so that the client's schedule holds only its own tasks. */
  private final ManualScheduler registryTime = new ManualScheduler();
  private final MemoryRegistry registry = new MemoryRegistry("registration-test");
  private final RecordingBackend backend = new RecordingBackend(registry.backend(registryTime));
  private final DiscoveryClient client = DiscoveryClient.builder()
      .backend(backend)
      .scheduler(time)
      .ttl(TTL)
      .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
      .withoutShutdownHook()
      .build();

  @AfterEach
  void closeClient() {
    client.close();
  }

  @Test
  void registerReturnsBeforeTouchingTheRegistryThenRegistersInTheBackground() throws Exception {
    Registration registration = client.register("payments", "10.1.2.3:8888");

    assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERING);
    assertThat(backend.registers).hasValue(0);

    time.runDue();
    assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERED);
    assertThat(registration.awaitRegistered(Duration.ZERO)).isTrue();
    assertThat(registry.instances("payments")).containsExactly(ServiceInstance.of("payments", "10.1.2.3:8888"));
  }

  @Test
  void heartbeatRenewsAtAboutAThirdOfTheTtlAndKeepsTheInstancePastManyTtls() {
    client.register("payments", "10.1.2.3:8888");
    time.runDue();

    for (int i = 0; i < 30; i++) {
      Duration next = time.nextDelay();
      assertThat(next).isBetween(Duration.ofMillis(2700), Duration.ofMillis(3300));
      time.advance(next);
    }

    assertThat(backend.renewals).hasValue(30);
    assertThat(time.nanos()).as("30 renewals span about 10 TTLs").isBetween(TTL.toNanos() * 9, TTL.toNanos() * 11);
  }

  @Test
  void anInstanceWhoseHeartbeatStopsExpiresAfterItsTtl() {
    client.register("payments", "10.1.2.3:8888");
    time.runDue();
    advanceBoth(Duration.ofSeconds(20));
    assertThat(registry.instances("payments")).hasSize(1);

    // The last renewal was at most 3.3 s (ttl/3 + 10%) ago, so the lease has at least 5.7 s left.
    registryTime.advance(Duration.ofMillis(5600));
    assertThat(registry.instances("payments")).as("within the TTL of the last renewal").hasSize(1);
    registryTime.advance(TTL.minusMillis(5600));
    assertThat(registry.instances("payments")).as("a TTL after the heartbeat stopped").isEmpty();
  }

  private void advanceBoth(Duration amount) {
    for (long ms = 0; ms < amount.toMillis(); ms += 100) {
      time.advance(Duration.ofMillis(100));
      registryTime.advance(Duration.ofMillis(100));
    }
  }

  @Test
  void unreachableRegistryMeansRetryingWithCappedExponentialBackoffThenRegistered() {
    registry.setReachable(false);
    Registration registration = client.register("payments", "10.1.2.3:8888");
    time.runDue();
    assertThat(registration.state()).isEqualTo(RegistrationState.RETRYING);

    int before = time.scheduledDelays().size();
    for (int i = 0; i < 8; i++) {
      time.advance(time.nextDelay());
    }
    List<Duration> delays = time.scheduledDelays().subList(before - 1, before + 8);
    long[] caps = {100, 200, 400, 800, 1600, 2000, 2000, 2000, 2000};
    for (int i = 0; i < caps.length; i++) {
      assertThat(delays.get(i)).as("retry %d", i).isBetween(Duration.ofMillis(caps[i] / 2), Duration.ofMillis(caps[i]));
    }
    assertThat(registration.state()).isEqualTo(RegistrationState.RETRYING);

    registry.setReachable(true);
    time.advance(time.nextDelay());
    assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERED);
    assertThat(registry.instances("payments")).hasSize(1);
    assertThat(time.nextDelay()).as("back on the heartbeat cadence").isGreaterThan(Duration.ofMillis(2600));
  }

  @Test
  void lostLeaseIsRegisteredAgainAtTheNextRenewal() {
    Registration registration = client.register("payments", "10.1.2.3:8888");
    time.runDue();
    assertThat(registry.expire("payments", registration.instance().id())).isTrue();
    assertThat(registry.instances("payments")).isEmpty();

    time.advance(time.nextDelay());

    assertThat(backend.registers).hasValue(2);
    assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERED);
    assertThat(registry.instances("payments")).containsExactly(registration.instance());
  }

  @Test
  void closeDeregistersAtOnceAndStopsTheHeartbeat() {
    Registration registration = client.register("payments", "10.1.2.3:8888");
    time.runDue();

    registration.close();

    assertThat(registry.instances("payments")).isEmpty();
    assertThat(registration.state()).isEqualTo(RegistrationState.CLOSED);
    assertThat(client.registrations()).isEmpty();
    time.advance(TTL.multipliedBy(5));
    assertThat(backend.renewals).hasValue(0);
    assertThat(backend.registers).hasValue(1);
  }

  @Test
  void aRetryPendingAtCloseNeverRegistersTheInstance() {
    registry.setReachable(false);
    Registration registration = client.register("payments", "10.1.2.3:8888");
    time.runDue();
    registration.close();
    registry.setReachable(true);

    time.advance(Duration.ofMinutes(1));

    assertThat(registry.instances("payments")).isEmpty();
    assertThat(backend.registers).hasValue(1);
  }

  @Test
  void aRegistrationInFlightWhenCloseStartsDoesNotBringTheInstanceBack() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch gate = new CountDownLatch(1);
    backend.holdNextRegister(entered, gate);
    Registration registration = client.register("payments", "10.1.2.3:8888");
    CompletableFuture<Void> attempt = CompletableFuture.runAsync(time::runDue);
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> closing = CompletableFuture.runAsync(registration::close);
    gate.countDown();
    attempt.get(5, TimeUnit.SECONDS);
    closing.get(5, TimeUnit.SECONDS);

    assertThat(registry.instances("payments")).isEmpty();
    assertThat(registration.state()).isEqualTo(RegistrationState.CLOSED);
    time.advance(Duration.ofMinutes(1));
    assertThat(registry.instances("payments")).isEmpty();
  }

  @Test
  void aRegistrationThatOutlivesTheCloseTimeoutRemovesItselfWhenItEnds() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch gate = new CountDownLatch(1);
    backend.holdNextRegister(entered, gate);
    ManagedRegistration registration = (ManagedRegistration) client.register("payments", "10.1.2.3:8888");
    CompletableFuture<Void> attempt = CompletableFuture.runAsync(time::runDue);
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

    registration.close(Duration.ZERO);
    assertThat(registration.state()).isEqualTo(RegistrationState.CLOSED);
    gate.countDown();
    attempt.get(5, TimeUnit.SECONDS);

    assertThat(registry.instances("payments")).isEmpty();
    assertThat(backend.deregisters).hasValue(1);
  }

  @Test
  void aRenewalThatOutlivesTheCloseTimeoutRemovesTheInstanceWhenItEnds() throws Exception {
    ManagedRegistration registration = (ManagedRegistration) client.register("payments", "10.1.2.3:8888");
    time.runDue();
    assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERED);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch gate = new CountDownLatch(1);
    backend.holdNextRenew(entered, gate);
    CompletableFuture<Void> renewal = CompletableFuture.runAsync(() -> time.advance(TTL));
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

    registration.close(Duration.ZERO);
    assertThat(registration.state()).isEqualTo(RegistrationState.CLOSED);
    gate.countDown();
    renewal.get(5, TimeUnit.SECONDS);

    assertThat(registry.instances("payments")).isEmpty();
    assertThat(backend.deregisters).hasValue(1);
  }

  @Test
  void aRefusalThatRetryingCannotFixFailsTheRegistrationWithItsReason() throws Exception {
    backend.nextRegisterFailure = new RegistrationRejectedException("etcdserver: request is too large");
    Registration registration = client.register("payments", "10.1.2.3:8888");
    time.runDue();

    assertThat(registration.state()).isEqualTo(RegistrationState.FAILED);
    assertThat(registration.failure()).get().extracting(Throwable::getMessage).isEqualTo("etcdserver: request is too large");
    assertThat(registration.toString()).contains("FAILED", "request is too large");
    // Returns at once: on this fake clock a wait would never end.
    assertThat(CompletableFuture.supplyAsync(() -> {
      try {
        return registration.awaitRegistered(Duration.ofDays(1));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }).get(10, TimeUnit.SECONDS)).isFalse();
    time.advance(Duration.ofMinutes(10));
    assertThat(backend.registers).as("no retry").hasValue(1);
    registration.close();
    assertThat(registration.state()).isEqualTo(RegistrationState.CLOSED);
  }

  @Test
  void aRefusedRenewalIsRetriedNotFinal() {
    Registration registration = client.register("payments", "10.1.2.3:8888");
    time.runDue();
    backend.nextRenewFailure = new RegistryAccessDeniedException("HTTP 403 while the policy is being changed");

    time.advance(TTL);

    assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERED);
    assertThat(registration.failure()).isEmpty();
    assertThat(backend.renewals.get()).isGreaterThan(1);
  }

  @Test
  void anErrorThrownByTheBackendDoesNotEndTheHeartbeat() {
    Registration registration = client.register("payments", "10.1.2.3:8888");
    time.runDue();
    backend.nextRenewFailure = new LinkageError("a broken backend");

    time.advance(TTL);
    time.advance(TTL.multipliedBy(3));

    assertThat(backend.renewals.get()).isGreaterThan(3);
    assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERED);
    assertThat(registry.instances("payments")).hasSize(1);
  }

  @Test
  void clientCloseDeregistersEveryRegistrationAndRefusesNewOnes() {
    client.register("payments", "10.1.2.3:8888");
    client.register("payments", "10.1.2.4:8888");
    client.register("orders", "10.1.2.5:9000");
    time.runDue();
    assertThat(registry.instances("payments")).hasSize(2);

    client.close();

    assertThat(registry.instances("payments")).isEmpty();
    assertThat(registry.instances("orders")).isEmpty();
    assertThatThrownBy(() -> client.register("payments", "10.1.2.6:8888"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    client.close();
  }

  @Test
  void badInputIsRefusedWithoutLosingWhatIsRegistered() {
    Registration good = client.register("payments", "10.1.2.3:8888");
    time.runDue();

    assertThatThrownBy(() -> client.register("payments", "10.1.2.3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'10.1.2.3'");
    assertThatThrownBy(() -> client.register("payments", "10.1.2.3:8888"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already registered");

    time.advance(TTL.multipliedBy(3));
    assertThat(good.state()).isEqualTo(RegistrationState.REGISTERED);
    assertThat(registry.instances("payments")).containsExactly(good.instance());
    assertThat(client.registrations()).containsExactly(good);
  }

  @Test
  void theShutdownHookDeregistersAndCloseRemovesIt() {
    DiscoveryClient hooked = DiscoveryClient.builder().backend(backend).scheduler(time).ttl(TTL).build();
    hooked.register("payments", "10.1.2.9:8888");
    time.runDue();
    Thread hook = hooked.shutdownHook();
    assertThat(hook.getName()).isEqualTo("discovery-shutdown");

    hook.run();
    assertThat(registry.instances("payments")).isEmpty();

    assertThatThrownBy(() -> Runtime.getRuntime().addShutdownHook(hook)).as("the hook is installed")
        .isInstanceOf(IllegalArgumentException.class);
    hooked.close();
    assertThat(Runtime.getRuntime().removeShutdownHook(hook)).as("close removed the hook").isFalse();
  }
}
