package io.discovery.agent.registrar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.memory.MemoryRegistry;
import io.discovery.testing.ManualScheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigWatcherTest {
  private static final Duration POLL = Duration.ofSeconds(1);
  private static final String ONE = """
      services:
        - name: billing
          address: 127.0.0.1:9201
          check: { tcp: true, interval: 2s }
      """;
  private static final String TWO = ONE + """
        - name: db
          address: 127.0.0.1:5432
          check: { tcp: true, interval: 2s }
      """;

  @TempDir
  Path dir;

  private final ManualScheduler time = new ManualScheduler();

  @Test
  void aChangedFileIsAppliedAtTheNextPollAndAnUnchangedOneIsNot() throws IOException {
    Path file = dir.resolve("registrar.yaml");
    Files.writeString(file, ONE);
    List<RegistrarConfig> applied = new CopyOnWriteArrayList<>();
    ConfigWatcher watcher = new ConfigWatcher(file, time, POLL);
    assertThat(watcher.load().services()).hasSize(1);
    watcher.start(applied::add);

    time.advance(POLL);
    assertThat(applied).as("same content").isEmpty();

    Files.writeString(file, TWO);
    time.advance(POLL);
    assertThat(applied).hasSize(1);
    assertThat(applied.get(0).services()).hasSize(2);

    Files.writeString(file, TWO); // rewritten, same content
    time.advance(POLL.multipliedBy(3));
    assertThat(applied).hasSize(1);

    watcher.close();
    Files.writeString(file, ONE);
    time.advance(POLL.multipliedBy(3));
    assertThat(applied).as("closed").hasSize(1);
  }

  @Test
  void aBadReloadKeepsTheLastGoodConfigInForce() throws IOException {
    String registryName = "watcher-" + UUID.randomUUID();
    MemoryRegistry registry = MemoryRegistry.named(registryName);
    ScriptedChecks checks = new ScriptedChecks();
    checks.pass("billing");
    checks.pass("db");
    Path file = dir.resolve("registrar.yaml");
    Files.writeString(file, TWO);
    try (DiscoveryClient client = DiscoveryClient.builder().registry("memory://" + registryName).withoutShutdownHook().build();
         Registrar registrar = new Registrar(client, time, Runnable::run, checks);
         ConfigWatcher watcher = new ConfigWatcher(file, time, POLL)) {
      registrar.apply(watcher.load());
      watcher.start(registrar::apply);
      time.runDue();
      time.advance(Duration.ofSeconds(2));
      await().atMost(Duration.ofSeconds(5)).until(() -> registry.instances("db").size() == 1);

      Files.writeString(file, ONE.replace("127.0.0.1:9201", "x"));
      time.advance(POLL);

      assertThat(registrar.statuses()).hasSize(2);
      assertThat(registry.instances("db")).hasSize(1);
      assertThat(registry.instances("billing")).hasSize(1);

      Files.writeString(file, ONE);
      time.advance(POLL);
      assertThat(registry.instances("db")).as("a good config after the bad one is applied").isEmpty();
      assertThat(registry.instances("billing")).hasSize(1);
    }
  }

  @Test
  void aFileThatCannotBeReadKeepsTheLastConfigAndIsReadAgainLater() throws IOException {
    Path file = dir.resolve("registrar.yaml");
    Files.writeString(file, ONE);
    List<RegistrarConfig> applied = new CopyOnWriteArrayList<>();
    ConfigWatcher watcher = new ConfigWatcher(file, time, POLL);
    watcher.load();
    watcher.start(applied::add);

    Files.delete(file);
    time.advance(POLL.multipliedBy(2));
    assertThat(applied).isEmpty();

    Files.writeString(file, TWO);
    time.advance(POLL);
    assertThat(applied).hasSize(1);
    watcher.close();
  }

  @Test
  void aChangeWhoseApplyFailedIsAppliedAgainAtTheNextPoll() throws IOException {
    Path file = dir.resolve("registrar.yaml");
    Files.writeString(file, ONE);
    List<RegistrarConfig> applied = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
    ConfigWatcher watcher = new ConfigWatcher(file, time, POLL);
    watcher.load();
    watcher.start(config -> {
      if (attempts.incrementAndGet() == 1) {
        throw new IllegalStateException("the registry refused it this time");
      }
      applied.add(config);
    });

    Files.writeString(file, TWO);
    time.advance(POLL);
    assertThat(applied).isEmpty();

    time.advance(POLL);
    assertThat(applied).as("the same content, applied again").hasSize(1);
    assertThat(applied.get(0).services()).hasSize(2);
    time.advance(POLL.multipliedBy(3));
    assertThat(attempts).as("not again once it took").hasValue(2);
    watcher.close();
  }

  @Test
  void aFileRevertedAfterAFailedApplyIsAppliedAgainSinceTheFailureMayHaveLeftItHalfDone() throws IOException {
    Path file = dir.resolve("registrar.yaml");
    Files.writeString(file, ONE);
    List<RegistrarConfig> applied = new CopyOnWriteArrayList<>();
    ConfigWatcher watcher = new ConfigWatcher(file, time, POLL);
    watcher.load();
    watcher.start(config -> {
      if (config.services().size() == 2) {
        throw new IllegalStateException("failed half way");
      }
      applied.add(config);
    });
    Files.writeString(file, TWO);
    time.advance(POLL);

    Files.writeString(file, ONE);
    time.advance(POLL);

    assertThat(applied).as("the last good content, applied again").hasSize(1);
    assertThat(applied.get(0).services()).hasSize(1);
    watcher.close();
  }

  @Test
  void aBadFileAtStartIsRefusedWithItsLine() throws IOException {
    Path file = dir.resolve("registrar.yaml");
    Files.writeString(file, "services:\n  - name: a\n    address: 127.0.0.1:1\n    check: { tcp: maybe }\n");

    assertThatThrownBy(() -> new ConfigWatcher(file, time, POLL).load())
        .isInstanceOf(ConfigException.class)
        .hasMessage("registrar.yaml line 4, services[0].check.tcp: invalid value 'maybe': expected true or false");
  }
}
