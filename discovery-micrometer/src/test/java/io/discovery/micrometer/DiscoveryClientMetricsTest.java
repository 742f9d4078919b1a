package io.discovery.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.memory.MemoryRegistry;
import io.discovery.testing.ManualScheduler;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A client's meters on the memory registry and fake time. */
class DiscoveryClientMetricsTest {
  private static final AtomicInteger REGISTRIES = new AtomicInteger();
  private static final Duration TTL = Duration.ofSeconds(9);

  private final String registryName = "client-metrics-" + REGISTRIES.incrementAndGet();
  private final ManualScheduler time = new ManualScheduler();
  private final DiscoveryClient client = client(registryName, time);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private static DiscoveryClient client(String registryName, ManualScheduler time) {
    return DiscoveryClient.builder().registry("memory://" + registryName).scheduler(time).ttl(TTL)
        .initialLoadTimeout(Duration.ZERO).withoutLogging().withoutShutdownHook().build();
  }

  @AfterEach
  void close() {
    client.close();
  }

  private void bind() {
    new DiscoveryClientMetrics(client, Tags.empty(), time.clock()).bindTo(meters);
  }

  private double registrations(String state) {
    return meters.get("discovery.registrations").tag("state", state).gauge().value();
  }

  private double view(String name, String service) {
    return meters.get(name).tag("service", service).gauge().value();
  }

  private double ageSeconds(String service) {
    return meters.get("discovery.view.age").tag("service", service).timeGauge().value(TimeUnit.SECONDS);
  }

  @Test
  void registrationsAreCountedByState() {
    bind();
    client.register("payments", "10.0.0.1:80");
    client.register("payments", "10.0.0.2:80");
    assertThat(registrations("registering")).isEqualTo(2);

    time.runDue();
    assertThat(registrations("registering")).isZero();
    assertThat(registrations("registered")).isEqualTo(2);

    MemoryRegistry.named(registryName).setReachable(false);
    time.advance(TTL);
    assertThat(registrations("registered")).isZero();
    assertThat(registrations("retrying")).isEqualTo(2);
    assertThat(registrations("failed")).isZero();
    assertThat(registrations("closed")).isZero();
  }

  @Test
  void aViewStartedAfterBindingReportsItsInstancesAgeAndStaleness() {
    bind();
    client.register("payments", "10.0.0.1:80");
    client.register("payments", "10.0.0.2:80");
    time.runDue();
    assertThat(meters.find("discovery.view.instances").tag("service", "payments").gauge()).isNull();

    client.service("payments");
    assertThat(view("discovery.view.instances", "payments")).isEqualTo(2);
    assertThat(view("discovery.view.stale", "payments")).isZero();
    assertThat(ageSeconds("payments")).isZero();

    time.advance(Duration.ofSeconds(30));
    assertThat(ageSeconds("payments")).isEqualTo(30);

    MemoryRegistry.named(registryName).setReachable(false);
    assertThat(view("discovery.view.stale", "payments")).isEqualTo(1);
    assertThat(view("discovery.view.instances", "payments")).as("the last list is kept").isEqualTo(2);
  }

  @Test
  void aViewStartedBeforeBindingFollowsRegistrations() {
    client.service("orders");
    bind();
    assertThat(view("discovery.view.instances", "orders")).isZero();

    client.register("orders", "10.0.0.3:80");
    time.runDue();
    assertThat(view("discovery.view.instances", "orders")).isEqualTo(1);
    assertThat(meters.get("discovery.view.age").meter().getId().getBaseUnit()).isEqualTo("seconds");
  }

  @Test
  void aDroppedViewLosesItsMetersAndOneStartedAgainGetsFreshOnes() {
    bind();
    client.lookup("typo", Duration.ZERO);
    assertThat(view("discovery.view.instances", "typo")).isZero();

    assertThat(client.forgetIfUnused("typo")).isTrue();
    assertThat(meters.find("discovery.view.instances").tag("service", "typo").gauges()).isEmpty();
    assertThat(meters.find("discovery.view.stale").tag("service", "typo").gauges()).isEmpty();

    client.register("typo", "10.0.0.4:80");
    time.runDue();
    client.lookup("typo", Duration.ZERO);
    assertThat(view("discovery.view.instances", "typo")).isEqualTo(1);
  }

  @Test
  void everyMeterHasADescription() {
    bind();
    client.service("payments");
    assertThat(meters.getMeters()).hasSize(5 + 3)
        .allSatisfy(meter -> assertThat(meter.getId().getDescription()).isNotBlank());
  }

  @Test
  void gaugesDoNotKeepAClosedClientAlive() {
    WeakReference<DiscoveryClient> closed = closedClientBoundTo(meters);

    Gauges.awaitCollected(closed);
    assertThat(meters.get("discovery.registrations").tag("client", "gone").tag("state", "registered").gauge().value()).isNaN();
    assertThat(meters.get("discovery.view.instances").tag("client", "gone").gauge().value()).isNaN();
  }

  private WeakReference<DiscoveryClient> closedClientBoundTo(SimpleMeterRegistry registry) {
    DiscoveryClient other = client(registryName, time);
    new DiscoveryClientMetrics(other, Tags.of("client", "gone"), time.clock()).bindTo(registry);
    other.service("payments");
    other.close();
    return new WeakReference<>(other);
  }
}
