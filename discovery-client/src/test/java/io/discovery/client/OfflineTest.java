package io.discovery.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.discovery.client.memory.MemoryRegistry;
import io.discovery.client.spi.RegistryBackend;
import io.discovery.testing.ManualScheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The protect threshold and the snapshots on disk, on the memory registry and fake time. */
class OfflineTest {
  private static final Duration TTL = Duration.ofSeconds(10);
  private final ManualScheduler time = new ManualScheduler();
  private final MemoryRegistry registry = new MemoryRegistry("offline-test");
  private final RegistryBackend peer = registry.backend(new ManualScheduler());
  private final List<DiscoveryClient> clients = new ArrayList<>();
  @TempDir
  Path snapshots;

  @AfterEach
  void closeClients() {
    clients.forEach(DiscoveryClient::close);
  }

  private DiscoveryClient.Builder builder() {
    return DiscoveryClient.builder().backend(registry.backend(time)).scheduler(time).ttl(TTL)
        .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)).initialLoadTimeout(Duration.ZERO).withoutShutdownHook();
  }

  private DiscoveryClient client(DiscoveryClient.Builder builder) {
    DiscoveryClient client = builder.build();
    clients.add(client);
    return client;
  }

  private void registerPeers(int from, int count) {
    for (int i = from; i < from + count; i++) {
      peer.register(ServiceInstance.of("payments", "10.0.0." + (i + 1) + ":80"), Duration.ofHours(1));
    }
  }

  @Test
  void aWipedRegistryAnsweringNoneIsNotBelievedUntilHalfTheInstancesAreBack() {
    registerPeers(0, 4);
    ServiceView view = client(builder()).service("payments");
    assertThat(view.instances()).hasSize(4);

    registry.wipe();

    assertThat(view.instances()).as("held, not emptied").hasSize(4);
    assertThat(view.snapshot().held()).isTrue();
    assertThat(view.snapshot().stale()).isTrue();
    registerPeers(10, 1);
    assertThat(view.snapshot().held()).as("1 of 4 is below half").isTrue();
    registerPeers(11, 1);
    assertThat(view.snapshot().held()).as("2 of 4 is half").isFalse();
    assertThat(view.instances()).extracting(ServiceInstance::host).containsExactly("10.0.0.11", "10.0.0.12");
    assertThat(view.snapshot().stale()).isFalse();
  }

  @Test
  void theHoldEndsAfterItsTimeAndTheAnswerStands() {
    registerPeers(0, 3);
    ServiceView view = client(builder().protectThreshold(0.5, Duration.ofSeconds(20))).service("payments");
    registry.wipe();
    assertThat(view.snapshot().held()).isTrue();

    time.advance(Duration.ofSeconds(19));
    assertThat(view.instances()).hasSize(3);
    time.advance(Duration.ofSeconds(1));

    assertThat(view.instances()).isEmpty();
    assertThat(view.snapshot().held()).isFalse();
    assertThat(view.snapshot().stale()).isFalse();
  }

  @Test
  void aHoldThatRunsOutWhileTheRegistryIsDownLeavesTheAnswerStale() {
    registerPeers(0, 3);
    ServiceView view = client(builder().protectThreshold(0.5, Duration.ofSeconds(20))).service("payments");
    registry.wipe();
    registry.setReachable(false);

    time.advance(Duration.ofSeconds(20));

    assertThat(view.instances()).isEmpty();
    assertThat(view.snapshot().stale()).as("not taken for current while the registry is down").isTrue();
  }

  @Test
  void aSmallerAnswerIsNotHeldAgainstAListRestoredFromDisk() throws Exception {
    registerPeers(0, 4);
    DiscoveryClient before = client(builder().snapshotDirectory(snapshots));
    before.service("payments");
    before.close();
    for (int i = 0; i < 3; i++) {
      registry.expire("payments", "payments-10.0.0." + (i + 1) + "-80");
    }
    registry.setReachable(false);
    ServiceView view = client(builder().snapshotDirectory(snapshots)).service("payments");
    assertThat(view.snapshot().restored()).isTrue();

    registry.setReachable(true);
    time.advance(Duration.ofSeconds(2));

    assertThat(view.instances()).as("the service shrank while we were away: the answer stands").hasSize(1);
    assertThat(view.snapshot().held()).isFalse();
  }

  @Test
  void instancesLeavingOneByOneGoAtOnce() {
    registerPeers(0, 3);
    ServiceView view = client(builder()).service("payments");

    for (int left = 2; left >= 0; left--) {
      registry.expire("payments", view.instances().get(0).id());
      assertThat(view.instances()).hasSize(left);
      assertThat(view.snapshot().held()).isFalse();
    }
  }

  @Test
  void withoutProtectionAWipeEmptiesTheViewAtOnce() {
    registerPeers(0, 3);
    ServiceView view = client(builder().withoutProtection()).service("payments");

    registry.wipe();

    assertThat(view.instances()).isEmpty();
  }

  @Test
  void aViewWhoseRegistryIsDownStartsFromItsLastSnapshotOnDisk() throws Exception {
    registerPeers(0, 2);
    DiscoveryClient before = client(builder().snapshotDirectory(snapshots));
    assertThat(before.service("payments").instances()).hasSize(2);
    time.advance(Duration.ofSeconds(1)); // the debounced write
    assertThat(snapshots.resolve("payments.json")).exists();
    before.close();
    registry.setReachable(false);
    time.advance(Duration.ofMinutes(10));

    DiscoveryClient after = client(builder().snapshotDirectory(snapshots).initialLoadTimeout(Duration.ofSeconds(5)));
    CompletableFuture<ServiceView> first = CompletableFuture.supplyAsync(() -> after.service("payments"));
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> after.watchedServices().contains("payments"));
    long created = time.nanos();
    ServiceView view = advanceUntilReturned(first);

    assertThat(time.nanos() - created).as("waited at most half a second of the client's time for the registry")
        .isLessThanOrEqualTo(Duration.ofMillis(600).toNanos());
    assertThat(view.instances()).extracting(ServiceInstance::host).containsExactly("10.0.0.1", "10.0.0.2");
    Snapshot restored = view.snapshot();
    assertThat(restored.restored()).isTrue();
    assertThat(restored.stale()).isTrue();
    assertThat(restored.loaded()).isFalse();
    assertThat(restored.updatedAt()).as("the file's age shows").isEqualTo(java.time.Instant.EPOCH.plusSeconds(1));

    registry.setReachable(true);
    time.advance(Duration.ofSeconds(2));
    assertThat(view.snapshot().restored()).isFalse();
    assertThat(view.snapshot().stale()).isFalse();
  }

  @Test
  void writesAreDebouncedAndTheLatestListWins() throws Exception {
    registerPeers(0, 1);
    DiscoveryClient client = client(builder().snapshotDirectory(snapshots));
    client.service("payments");
    registerPeers(1, 3);
    time.advance(Duration.ofMillis(900));
    assertThat(snapshots.resolve("payments.json")).doesNotExist();

    time.advance(Duration.ofMillis(100));

    String saved = Files.readString(snapshots.resolve("payments.json"));
    assertThat(saved).contains("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4");
    try (var files = Files.list(snapshots)) {
      assertThat(files.map(p -> p.getFileName().toString())).as("no temporary file left").containsExactly("payments.json");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"garbage", "truncated", "foreign", "other service", "bad instance", "too old"})
  void aSnapshotFileThatCannotBeUsedIsIgnored(String kind) throws IOException {
    String good = "{\"format\":\"discovery-snapshot/1\",\"service\":\"payments\",\"revision\":3,\"savedAt\":0,\"instances\":"
        + "[{\"service\":\"payments\",\"id\":\"p-1\",\"host\":\"10.0.0.1\",\"port\":80}]}";
    String text = switch (kind) {
      case "garbage" -> "\u0000\u0001not json at all";
      case "truncated" -> good.substring(0, good.length() / 2);
      case "foreign" -> "{\"hello\":\"world\"}";
      case "other service" -> good.replace("\"service\":\"payments\",\"revision\"", "\"service\":\"orders\",\"revision\"");
      case "bad instance" -> good.replace("\"port\":80", "\"port\":-1");
      default -> good;
    };
    Files.writeString(snapshots.resolve("payments.json"), text);
    registry.setReachable(false);
    if (kind.equals("too old")) {
      time.advance(Duration.ofHours(25));
    }

    ServiceView view = client(builder().snapshotDirectory(snapshots)).service("payments");

    assertThat(view.instances()).isEmpty();
    assertThat(view.snapshot().restored()).isFalse();
    assertThat(view.snapshot().loaded()).isFalse();
  }

  @Test
  void aGoodSnapshotFileWithinTheMaximumAgeIsUsed() throws IOException {
    Files.writeString(snapshots.resolve("payments.json"), "{\"format\":\"discovery-snapshot/1\",\"service\":\"payments\","
        + "\"revision\":3,\"savedAt\":0,\"instances\":[{\"service\":\"payments\",\"id\":\"p-1\",\"host\":\"10.0.0.1\",\"port\":80}]}");
    registry.setReachable(false);
    time.advance(Duration.ofHours(23));

    ServiceView view = client(builder().snapshotDirectory(snapshots)).service("payments");

    assertThat(view.instances()).extracting(ServiceInstance::id).containsExactly("p-1");
  }

  /**
   * Moves fake time 10 ms at a time until {@code call} returns: a wait measured on the client's clock.
   * Each step leaves the waiter more than one of its 20 ms wait slices to notice, so it returns
   * within a step or two of its deadline.
   */
  private <T> T advanceUntilReturned(CompletableFuture<T> call) throws Exception {
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < giveUp) {
      try {
        return call.get(30, TimeUnit.MILLISECONDS);
      } catch (TimeoutException stillWaiting) {
        time.advance(Duration.ofMillis(10));
      }
    }
    throw new AssertionError("never returned");
  }
}
