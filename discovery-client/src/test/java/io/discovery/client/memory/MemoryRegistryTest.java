package io.discovery.client.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.discovery.client.RegistryUnavailableException;
import io.discovery.client.ServiceInstance;
import io.discovery.client.spi.BackendContext;
import io.discovery.client.spi.Lease;
import io.discovery.client.spi.LeaseLostException;
import io.discovery.client.spi.RegistryBackend;
import io.discovery.client.spi.WatchHandle;
import io.discovery.client.spi.WatchListener;
import io.discovery.testing.ManualScheduler;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The in-JVM registry's own rules: leases on the registering client's clock, watches, outages. */
class MemoryRegistryTest {
  private static final Duration TTL = Duration.ofSeconds(10);
  private final ManualScheduler time = new ManualScheduler();
  private final MemoryRegistry registry = new MemoryRegistry("unit");
  private final MemoryBackend backend = registry.backend(time);
  private final ServiceInstance a = ServiceInstance.of("payments", "10.0.0.1:80");
  private final ServiceInstance b = ServiceInstance.of("payments", "10.0.0.2:80");

  /** Records deliveries as "revision:hosts" and failures as "failed: message". */
  private static final class Recorder implements WatchListener {
    final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    public void onInstances(List<ServiceInstance> instances, long revision) {
      seen.add(revision + ":" + instances.stream().map(ServiceInstance::host).toList());
    }

    @Override
    public void onChanges(Collection<ServiceInstance> upserted, Collection<String> removedIds, long revision) {
      throw new AssertionError("the memory registry delivers whole lists");
    }

    @Override
    public void onFailure(Throwable error) {
      seen.add("failed: " + error.getMessage());
    }
  }

  @Test
  void aLeaseExpiresAtItsTtlUnlessRenewedAndEachRenewalCountsFromItsOwnTime() {
    Lease lease = backend.register(a, TTL);
    time.advance(Duration.ofSeconds(9));
    backend.renew(lease); // now expires at 19 s
    time.advance(Duration.ofSeconds(9));
    assertThat(registry.instances("payments")).containsExactly(a);

    time.advance(Duration.ofSeconds(1));
    assertThat(registry.instances("payments")).isEmpty();
    assertThatThrownBy(() -> backend.renew(lease)).isInstanceOf(LeaseLostException.class)
        .hasMessage("lease " + lease.id() + " of 'payments-10.0.0.1-80' is not in memory registry 'unit'");
  }

  @Test
  void aReRegistrationIsANewLeaseThatTheOldOneCannotRenewOrRemove() {
    Lease old = backend.register(a, TTL);
    time.advance(Duration.ofSeconds(5));
    Lease again = backend.register(a, TTL); // expires at 15 s
    assertThat(again.id()).isNotEqualTo(old.id());

    assertThatThrownBy(() -> backend.renew(old)).isInstanceOf(LeaseLostException.class);
    backend.deregister(old);
    assertThat(registry.instances("payments")).containsExactly(a);
    time.advance(Duration.ofSeconds(5)); // at 10 s the first lease's expiry check finds another entry and leaves it
    backend.renew(again);
    assertThat(registry.instances("payments")).containsExactly(a);
  }

  @Test
  void watchesHearTheListAtOnceThenEveryChangeWithAGrowingRevision() throws Exception {
    Recorder recorder = new Recorder();
    backend.register(b, TTL);
    WatchHandle watch = backend.watch("payments", recorder);
    Lease lease = backend.register(a, TTL);
    backend.register(ServiceInstance.of("orders", "10.0.0.9:80"), TTL); // another service: not heard
    backend.deregister(lease);
    watch.close();
    backend.register(a, TTL);

    assertThat(recorder.seen).containsExactly("1:[10.0.0.2]", "2:[10.0.0.1, 10.0.0.2]", "4:[10.0.0.2]");
    assertThat(registry.watches("payments")).isZero();
    assertThat(registry.revision()).isEqualTo(5);
  }

  @Test
  void expiringAnInstanceIsHeardAndAnUnknownOneIsFalse() {
    Recorder recorder = new Recorder();
    backend.register(a, TTL);
    backend.watch("payments", recorder);

    assertThat(registry.expire("payments", a.id())).isTrue();
    assertThat(registry.expire("payments", a.id())).isFalse();
    assertThat(registry.expire("nothing", a.id())).isFalse();
    assertThat(recorder.seen).containsExactly("1:[10.0.0.1]", "2:[]");
  }

  @Test
  void anUnreachableRegistryFailsCallsAndEndsWatchesUntilItIsBack() {
    Recorder watching = new Recorder();
    Lease lease = backend.register(a, TTL);
    backend.watch("payments", watching);

    registry.setReachable(false);

    assertThat(watching.seen).containsExactly("1:[10.0.0.1]", "failed: memory registry 'unit' is unreachable");
    assertThat(registry.watches("payments")).isZero();
    assertThatThrownBy(() -> backend.register(b, TTL)).isInstanceOf(RegistryUnavailableException.class)
        .hasMessage("memory registry 'unit' is unreachable");
    assertThatThrownBy(() -> backend.renew(lease)).isInstanceOf(RegistryUnavailableException.class);
    assertThatThrownBy(() -> backend.deregister(lease)).isInstanceOf(RegistryUnavailableException.class);
    Recorder late = new Recorder();
    backend.watch("payments", late);
    assertThat(late.seen).containsExactly("failed: memory registry 'unit' is unreachable");

    registry.setReachable(true);
    backend.renew(lease);
    Recorder after = new Recorder();
    backend.watch("payments", after);
    assertThat(after.seen).containsExactly("1:[10.0.0.1]");
    assertThat(watching.seen).as("reachable again ends nothing more").hasSize(2);
  }

  @Test
  void aWipeLosesEveryInstanceInOneAnswerPerService() {
    Recorder recorder = new Recorder();
    backend.register(a, TTL);
    backend.register(b, TTL);
    backend.watch("payments", recorder);

    registry.wipe();

    assertThat(recorder.seen).containsExactly("2:[10.0.0.1, 10.0.0.2]", "3:[]");
  }

  @Test
  void namedRegistriesAreSharedByNameAndUrisNameThem() {
    assertThat(MemoryRegistry.named("shared-x")).isSameAs(MemoryRegistry.named("shared-x")).isNotSameAs(MemoryRegistry.named("shared-y"));
    assertThat(registry.name()).isEqualTo("unit");

    MemoryBackendFactory factory = new MemoryBackendFactory();
    assertThat(factory.scheme()).isEqualTo("memory");
    BackendContext context = new BackendContext(time, TTL);
    for (String uri : new String[] {"memory://uri-named", "memory:uri-named"}) {
      RegistryBackend created = factory.create(URI.create(uri), context);
      Lease lease = created.register(a, TTL);
      assertThat(MemoryRegistry.named("uri-named").instances("payments")).as(uri).containsExactly(a);
      created.deregister(lease);
    }
    for (String uri : new String[] {"memory:", "memory:///"}) {
      RegistryBackend created = factory.create(URI.create(uri.equals("memory:") ? "memory:%20" : uri), context);
      Lease lease = created.register(b, TTL);
      assertThat(MemoryRegistry.named("default").instances("payments")).as(uri).contains(b);
      created.deregister(lease);
    }
  }

  @Test
  void servicesAreThoseWithAnInstanceNow() {
    Lease lease = backend.register(a, TTL);
    backend.register(ServiceInstance.of("orders", "10.0.0.9:80"), TTL);
    assertThat(backend.services()).containsExactly("orders", "payments");

    backend.deregister(lease);
    assertThat(backend.services()).containsExactly("orders");
    registry.setReachable(false);
    assertThatThrownBy(backend::services).isInstanceOf(RegistryUnavailableException.class);
  }
}
