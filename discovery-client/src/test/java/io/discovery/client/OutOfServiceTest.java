package io.discovery.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.discovery.client.memory.MemoryRegistry;
import io.discovery.testing.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Registration#setOutOfService}: registered, but out of every view, on the memory registry and fake time. */
class OutOfServiceTest {
  private final ManualScheduler time = new ManualScheduler();
  private final ManualScheduler registryTime = new ManualScheduler();
  private final MemoryRegistry registry = new MemoryRegistry("out-of-service-test");
  private final RecordingBackend backend = new RecordingBackend(registry.backend(registryTime));
  private final List<DiscoveryEvent> events = new CopyOnWriteArrayList<>();
  private final DiscoveryClient client = DiscoveryClient.builder()
      .backend(backend)
      .scheduler(time)
      .ttl(Duration.ofSeconds(9))
      .initialLoadTimeout(Duration.ZERO)
      .listener(events::add)
      .withoutShutdownHook()
      .build();

  @AfterEach
  void closeClient() {
    client.close();
  }

  private Registration registered(String hostPort) {
    Registration registration = client.register("payments", hostPort);
    time.runDue();
    assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERED);
    return registration;
  }

  @Test
  void anInstanceOutOfServiceStaysRegisteredButLeavesEveryViewAndComesBack() {
    Registration draining = registered("10.0.0.1:80");
    Registration other = registered("10.0.0.2:80");
    ServiceView view = client.service("payments");
    assertThat(view.instances()).hasSize(2);

    assertThat(draining.setOutOfService(true)).isTrue();

    assertThat(draining.outOfService()).isTrue();
    assertThat(view.instances()).containsExactly(other.instance());
    assertThat(registry.instances("payments")).as("still registered").hasSize(2)
        .filteredOn(ServiceInstance::outOfService).singleElement()
        .satisfies(i -> assertThat(i.metadata()).containsEntry("instance_status", "OUT_OF_SERVICE"));
    assertThat(draining.instance().outOfService()).as("the instance as given stays as it was").isFalse();
    assertThat(events).filteredOn(DiscoveryEvent.StatusChanged.class::isInstance).singleElement()
        .satisfies(e -> assertThat(e.severity()).isEqualTo(DiscoveryEvent.Severity.INFO))
        .extracting(DiscoveryEvent::message).asString().startsWith("out of service (registered, left out of every view): ");

    time.advance(time.nextDelay());
    assertThat(backend.updates).as("the heartbeat does not write it again").hasValue(1);
    assertThat(view.instances()).hasSize(1);

    assertThat(draining.setOutOfService(false)).isTrue();
    assertThat(view.instances()).hasSize(2).contains(draining.instance());
    assertThat(registry.instances("payments")).noneMatch(ServiceInstance::outOfService);
  }

  @Test
  void settingTheSameStatusAgainWritesNothing() {
    Registration registration = registered("10.0.0.1:80");

    assertThat(registration.setOutOfService(false)).isTrue();

    assertThat(backend.updates).hasValue(0);
    assertThat(events).noneMatch(DiscoveryEvent.StatusChanged.class::isInstance);
  }

  @Test
  void whileTheRegistryIsUnreachableTheStatusIsWrittenWithTheNextHeartbeat() {
    Registration registration = registered("10.0.0.1:80");
    registry.setReachable(false);

    String log = Stderr.capture(() -> assertThat(registration.setOutOfService(true)).isFalse());
    assertThat(registration.outOfService()).isTrue();
    assertThat(log).contains("could not mark 'payments' instance ").contains("at 10.0.0.1:80 out of service now: ");

    registry.setReachable(true);
    time.advance(time.nextDelay());
    assertThat(registry.instances("payments")).singleElement().matches(ServiceInstance::outOfService);
    assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERED);
  }

  @Test
  void aStatusSetBeforeTheFirstRegistrationAndAfterALostLeaseIsRegisteredWithIt() {
    Registration registration = client.register("payments", "10.0.0.1:80");
    assertThat(registration.setOutOfService(true)).as("not registered yet").isFalse();
    time.runDue();
    assertThat(registry.instances("payments")).singleElement().matches(ServiceInstance::outOfService);
    assertThat(backend.updates).as("registered with it, not updated").hasValue(0);

    registry.expire("payments", registration.instance().id());
    time.advance(time.nextDelay());

    assertThat(backend.registers).hasValue(2);
    assertThat(registry.instances("payments")).singleElement().matches(ServiceInstance::outOfService);
  }

  @Test
  void aStatusTheRegistryWillNotTakeDoesNotStopTheHeartbeatAndIsSaidOnce() {
    Registration registration = registered("10.0.0.1:80");
    backend.updateFailure = new RegistryUnavailableException("the registry refused the write");
    assertThat(registration.setOutOfService(true)).isFalse();
    int renewals = backend.renewals.get();

    String log = Stderr.capture(() -> {
      for (int i = 0; i < 3; i++) {
        time.advance(time.nextDelay());
      }
    });

    assertThat(backend.renewals).as("renewed all the same").hasValue(renewals + 3);
    assertThat(backend.updates).as("tried with each heartbeat").hasValue(4);
    assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERED);
    assertThat(log.split("could not mark", -1)).as("one warning, not one per heartbeat").hasSize(2);
    assertThat(log).contains("out of service: ").contains("the registry refused the write");
    assertThat(registry.instances("payments")).noneMatch(ServiceInstance::outOfService);

    backend.updateFailure = null;
    time.advance(time.nextDelay());
    assertThat(registry.instances("payments")).singleElement().matches(ServiceInstance::outOfService);
  }

  @Test
  void aLeaseLostWhileTheStatusIsWrittenIsRegisteredAgainWithTheStatus() {
    Registration registration = registered("10.0.0.1:80");
    registry.setReachable(false);
    assertThat(registration.setOutOfService(true)).isFalse();
    registry.setReachable(true);
    registry.expire("payments", registration.instance().id());

    time.advance(time.nextDelay());

    assertThat(backend.registers).hasValue(2);
    assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERED);
    assertThat(registry.instances("payments")).singleElement().matches(ServiceInstance::outOfService);
  }

  @Test
  void aStatusWriteThatOutlivesTheCloseTimeoutDeregistersWhenItEnds() throws Exception {
    ManagedRegistration registration = (ManagedRegistration) registered("10.0.0.1:80");
    java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
    backend.holdNextUpdate(entered, gate);
    java.util.concurrent.CompletableFuture<Boolean> write =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> registration.setOutOfService(true));
    assertThat(entered.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

    registration.close(Duration.ZERO);
    gate.countDown();
    assertThat(write.get(5, java.util.concurrent.TimeUnit.SECONDS)).as("the mark did not stay").isFalse();

    assertThat(registry.instances("payments")).as("close gave up waiting; the write removes what it wrote").isEmpty();
    assertThat(backend.deregisters).hasValue(1);
  }

  @Test
  void instancesMarkedOutOfServiceInOneAnswerLeaveAtOnceAndAreNotHeldAsVanished() {
    registered("10.0.0.1:80");
    registered("10.0.0.2:80");
    registered("10.0.0.3:80");
    registered("10.0.0.4:80");
    ServiceView view = client.service("payments");
    assertThat(view.instances()).hasSize(4);
    List<ServiceInstance> answer = view.instances().stream()
        .map(i -> i.host().endsWith(".4") ? i
            : i.toBuilder().metadata(ServiceInstance.STATUS, ServiceInstance.OUT_OF_SERVICE).build())
        .toList();

    // 3 of 4 in one answer, as Consul or a re-list gives it: far past the protect threshold (half the list)
    backend.lastWatchListener.onInstances(answer, registry.revision() + 1);

    assertThat(view.snapshot().held()).as("still registered: not a mass removal").isFalse();
    assertThat(view.instances()).extracting(ServiceInstance::hostPort).containsExactly("10.0.0.4:80");
  }
}
