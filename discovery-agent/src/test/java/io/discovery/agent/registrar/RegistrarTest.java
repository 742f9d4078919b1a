package io.discovery.agent.registrar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.discovery.agent.registrar.HealthTracker.Status;
import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import io.discovery.client.ServiceInstance;
import io.discovery.client.memory.MemoryRegistry;
import io.discovery.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The registrar on fake time: checks run when the test advances the clock, with scripted results. */
class RegistrarTest {
  private static final Duration INTERVAL = Duration.ofSeconds(2);
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String BILLING = """
        - name: billing
          address: 127.0.0.1:9201
          check: { http: "http://127.0.0.1:9201/health", interval: 2s }
      """;
  private static final String DB = """
        - name: db
          address: 127.0.0.1:5432
          check: { tcp: true, interval: 2s }
      """;
  private static final String REPORTS = """
        - name: reports
          address: 127.0.0.1:9300
          check: { script: ["true"], interval: 2s }
          metadata: { role: master }
      """;

  private final String registryName = "registrar-" + UUID.randomUUID();
  private final MemoryRegistry registry = MemoryRegistry.named(registryName);
  private final ManualScheduler time = new ManualScheduler();
  private final ScriptedChecks checks = new ScriptedChecks();
  private final DiscoveryClient client = client();
  private final Registrar registrar = new Registrar(client, time, Runnable::run, checks);

  private DiscoveryClient client() {
    return DiscoveryClient.builder().registry("memory://" + registryName).withoutShutdownHook().build();
  }

  private static RegistrarConfig config(String... entries) {
    return RegistrarConfig.parse("services:\n" + String.join("", entries), "registrar.yaml");
  }

  private void awaitInstances(String service, int count) {
    await(service + " has " + count + " instance(s) in the registry").atMost(WAIT)
        .until(() -> registry.instances(service).size() == count);
  }

  @AfterEach
  void close() {
    registrar.close();
    client.close();
  }

  @Test
  void registersAfterRisePassesAndDeregistersAfterFallFailures() {
    checks.pass("billing");
    registrar.apply(config(BILLING));

    time.runDue();
    assertThat(checks.runs("billing")).isEqualTo(1);
    assertThat(client.registrations()).as("one pass of two").isEmpty();

    time.advance(INTERVAL);
    assertThat(client.registrations()).extracting(Registration::instance)
        .containsExactly(ServiceInstance.of("billing", "127.0.0.1:9201"));
    awaitInstances("billing", 1);

    checks.fail("billing");
    time.advance(INTERVAL);
    assertThat(client.registrations()).as("one failure of two").hasSize(1);
    time.advance(INTERVAL);
    assertThat(client.registrations()).isEmpty();
    assertThat(registry.instances("billing")).as("deregistration is synchronous").isEmpty();

    checks.pass("billing");
    time.advance(INTERVAL);
    assertThat(client.registrations()).isEmpty();
    time.advance(INTERVAL);
    assertThat(client.registrations()).hasSize(1);
    awaitInstances("billing", 1);
    assertThat(checks.runs("billing")).isEqualTo(6);
  }

  @Test
  void anEndpointThatNeverPassesIsNeverRegistered() {
    registrar.apply(config(DB));

    time.runDue();
    time.advance(INTERVAL.multipliedBy(5));

    assertThat(checks.runs("db")).isEqualTo(6);
    assertThat(client.registrations()).isEmpty();
    assertThat(registrar.statuses()).containsValue(Status.FAILING);
  }

  @Test
  void aReloadLeavesUnchangedEndpointsAloneDeregistersRemovedOnesAndChecksNewOnes() {
    checks.pass("billing");
    checks.pass("db");
    checks.pass("reports");
    registrar.apply(config(BILLING, DB));
    time.runDue();
    time.advance(INTERVAL);
    awaitInstances("billing", 1);
    awaitInstances("db", 1);
    Registration billingRegistration = client.registrations().stream()
        .filter(r -> r.instance().service().equals("billing")).findFirst().orElseThrow();
    int billingChecks = checks.runs("billing");

    Registrar.Applied applied = registrar.apply(config(BILLING, REPORTS));

    assertThat(applied).isEqualTo(new Registrar.Applied(1, 0, 1, 1));
    assertThat(registry.instances("db")).as("removed: deregistered at once").isEmpty();
    assertThat(client.registrations()).as("billing's registration is the same object").contains(billingRegistration);
    time.runDue();
    assertThat(checks.runs("billing")).as("no extra check for an unchanged endpoint").isEqualTo(billingChecks);
    assertThat(checks.runs("reports")).as("a new endpoint is checked at once").isEqualTo(1);
    time.advance(INTERVAL);
    awaitInstances("reports", 1);
    assertThat(registry.instances("billing")).hasSize(1);
  }

  @Test
  void newMetadataReplacesTheRegistrationAtOnceWithoutANewRise() {
    checks.pass("reports");
    registrar.apply(config(REPORTS));
    time.runDue();
    time.advance(INTERVAL);
    await().atMost(WAIT).until(() -> registry.instances("reports").size() == 1
        && registry.instances("reports").get(0).metadata().get("role").equals("master"));

    Registrar.Applied applied = registrar.apply(config(REPORTS.replace("role: master", "role: standby")));

    assertThat(applied.changed()).isEqualTo(1);
    await().atMost(WAIT).until(() -> registry.instances("reports").size() == 1
        && registry.instances("reports").get(0).metadata().get("role").equals("standby"));
    assertThat(registrar.statuses()).containsValue(Status.PASSING);
  }

  @Test
  void aPassingEndpointWhoseRegistrationWasRefusedIsRegisteredWhenItsConfigChanges() {
    Registration someoneElses = client.register(ServiceInstance.of("reports", "127.0.0.1:9300"));
    checks.pass("reports");
    registrar.apply(config(REPORTS));
    time.runDue();
    time.advance(INTERVAL);
    assertThat(registrar.statuses()).containsValue(Status.PASSING);
    assertThat(client.registrations()).as("refused: the client already holds that instance").containsExactly(someoneElses);

    someoneElses.close();
    registrar.apply(config(REPORTS.replace("role: master", "role: standby")));

    assertThat(client.registrations()).extracting(r -> r.instance().metadata().get("role")).containsExactly("standby");
    await().atMost(WAIT).until(() -> registry.instances("reports").size() == 1
        && registry.instances("reports").get(0).metadata().get("role").equals("standby"));
  }

  @Test
  void aNewCheckKeepsARegistrationThatStillMatches() {
    checks.pass("db");
    registrar.apply(config(DB));
    time.runDue();
    time.advance(INTERVAL);
    Registration before = client.registrations().get(0);

    registrar.apply(config(DB.replace("interval: 2s", "interval: 5s")));

    assertThat(client.registrations()).containsExactly(before);
    int runs = checks.runs("db");
    time.runDue();
    time.advance(Duration.ofSeconds(4));
    assertThat(checks.runs("db")).as("the new interval is in force").isEqualTo(runs + 1);
    time.advance(Duration.ofSeconds(1));
    assertThat(checks.runs("db")).isEqualTo(runs + 2);
  }

  @Test
  void checksOfOneEndpointNeverOverlap() {
    Queue<Runnable> workers = new ArrayDeque<>();
    try (Registrar queued = new Registrar(client, time, workers::add, checks)) {
      queued.apply(config(DB));
      time.runDue();
      assertThat(workers).hasSize(1);

      time.advance(INTERVAL.multipliedBy(10));
      assertThat(workers).as("no tick while a check is running or waiting for a worker").hasSize(1);
      assertThat(time.pending()).isZero();

      workers.poll().run();
      assertThat(time.pending()).as("the next tick, once the check ended").isEqualTo(1);
      assertThat(time.nextDelay()).isEqualTo(INTERVAL);
    }
  }

  @Test
  void aRestartedRegistrarReplacesItsOwnEntriesInsteadOfAddingDuplicates() {
    checks.pass("billing");
    registrar.apply(config(BILLING));
    time.runDue();
    time.advance(INTERVAL);
    awaitInstances("billing", 1);

    // A second process (the first was killed: its entry is still there until its TTL).
    DiscoveryClient restarted = client();
    ManualScheduler time2 = new ManualScheduler();
    try (Registrar again = new Registrar(restarted, time2, Runnable::run, checks)) {
      again.apply(config(BILLING));
      time2.runDue();
      time2.advance(INTERVAL);
      await().atMost(WAIT).until(() -> restarted.registrations().get(0).state() == io.discovery.client.RegistrationState.REGISTERED);

      assertThat(registry.instances("billing")).extracting(ServiceInstance::id)
          .containsExactly("billing-127.0.0.1-9201");
    } finally {
      restarted.close();
    }
  }

  @Test
  void aCheckThatThrowsCountsAsAFailure() {
    try (Registrar throwing = new Registrar(client, time, Runnable::run, endpoint -> {
      throw new IllegalStateException("boom");
    })) {
      throwing.apply(config(DB));
      time.runDue();
      time.advance(INTERVAL);

      assertThat(throwing.statuses()).containsValue(Status.FAILING);
      assertThat(time.pending()).as("checking goes on").isEqualTo(1);
    }
  }

  @Test
  void emptyingTheConfigDeregistersEverything() {
    checks.pass("billing");
    checks.pass("db");
    registrar.apply(config(BILLING, DB));
    time.runDue();
    time.advance(INTERVAL);
    awaitInstances("db", 1);

    assertThat(registrar.apply(new RegistrarConfig(List.of()))).isEqualTo(new Registrar.Applied(0, 0, 2, 0));

    assertThat(registry.instances("billing")).isEmpty();
    assertThat(registry.instances("db")).isEmpty();
    assertThat(client.registrations()).isEmpty();
  }
}
