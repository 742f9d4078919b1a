package io.discovery.agent.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.mustachejava.Mustache;
import io.discovery.client.DiscoveryClient;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import io.discovery.client.Snapshot;
import io.discovery.client.Subscription;
import io.discovery.testing.ManualScheduler;
import io.discovery.client.time.Scheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The renderer on fake time, fed snapshots by the test. */
class RendererTest {
  private static final Duration DEBOUNCE = Duration.ofMillis(200);
  private static final Mustache NGINX = Templates.compile("""
      upstream payments {
      {{#services.payments}}  server {{hostPort}} weight={{weight}};
      {{/services.payments}}}
      """, "nginx");
  private static final ServiceInstance A = ServiceInstance.builder("payments", "10.0.0.1:8080").weight(3).build();
  private static final ServiceInstance B = ServiceInstance.of("payments", "10.0.0.2:8080");

  @TempDir
  Path dir;

  private final ManualScheduler time = new ManualScheduler();
  private long revision;

  private Path out() {
    return dir.resolve("upstream.conf");
  }

  private Renderer renderer(String exec, boolean allowEmpty) {
    return new Renderer(List.of(new StaticView("payments")), NGINX,
        new Renderer.Options(out(), DEBOUNCE, exec, Duration.ofSeconds(5), allowEmpty), time);
  }

  private Snapshot fresh(ServiceInstance... instances) {
    return new Snapshot("payments", List.of(instances), ++revision, Instant.EPOCH, false);
  }

  @Test
  void rendersEveryInstanceAfterTheDebounce() throws IOException {
    Renderer renderer = renderer(null, false);

    renderer.onSnapshot(fresh(A, B));
    assertThat(out()).doesNotExist();
    time.advance(DEBOUNCE);

    assertThat(Files.readString(out())).isEqualTo("""
        upstream payments {
          server 10.0.0.1:8080 weight=3;
          server 10.0.0.2:8080 weight=1;
        }
        """);
  }

  @Test
  void aBurstOfChangesWithinTheDebounceGivesOneWriteOfTheLastState() throws IOException {
    Renderer renderer = renderer(null, false);

    renderer.onSnapshot(fresh(A));
    time.advance(Duration.ofMillis(100));
    renderer.onSnapshot(fresh(A, B));
    time.advance(Duration.ofMillis(50));
    renderer.onSnapshot(fresh(B));
    assertThat(time.pending()).isEqualTo(1);
    time.advance(Duration.ofMillis(49));
    assertThat(out()).doesNotExist();

    time.advance(Duration.ofMillis(1));

    assertThat(renderer.writes()).isEqualTo(1);
    assertThat(Files.readString(out())).contains("10.0.0.2:8080").doesNotContain("10.0.0.1:8080");
  }

  @Test
  void theFileIsWrittenOnlyWhenItsContentChanges() throws IOException {
    Renderer renderer = renderer(null, false);
    renderer.onSnapshot(fresh(A, B));
    time.advance(DEBOUNCE);
    FileTime written = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
    Files.setLastModifiedTime(out(), written);

    renderer.onSnapshot(fresh(A, B)); // a new revision, same instances
    time.advance(DEBOUNCE);

    assertThat(renderer.writes()).isEqualTo(1);
    assertThat(Files.getLastModifiedTime(out())).isEqualTo(written);

    renderer.onSnapshot(fresh(A));
    time.advance(DEBOUNCE);
    assertThat(renderer.writes()).isEqualTo(2);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).as("no temporary file left behind").containsExactly(out());
    }
  }

  @Test
  void aStaleSnapshotKeepsTheLastFileEvenWhenItIsEmpty() throws IOException {
    Renderer renderer = renderer(null, true);
    renderer.onSnapshot(fresh(A, B));
    time.advance(DEBOUNCE);
    String before = Files.readString(out());

    renderer.onSnapshot(fresh().asStale());
    time.advance(DEBOUNCE);
    renderer.onSnapshot(fresh(A).asStale());
    time.advance(DEBOUNCE);

    assertThat(Files.readString(out())).isEqualTo(before);
    assertThat(renderer.writes()).isEqualTo(1);
  }

  @Test
  void aViewThatNeverLoadedRendersNothing() {
    Renderer renderer = renderer(null, true);

    renderer.onSnapshot(Snapshot.notLoaded("payments", Instant.EPOCH));
    time.advance(DEBOUNCE);

    assertThat(out()).doesNotExist();
  }

  @Test
  void anEmptyServiceIsRenderedOnlyWhenAllowed() throws IOException {
    Renderer strict = renderer(null, false);
    strict.onSnapshot(fresh(A));
    time.advance(DEBOUNCE);
    strict.onSnapshot(fresh());
    time.advance(DEBOUNCE);
    assertThat(Files.readString(out())).as("kept").contains("10.0.0.1:8080");

    Renderer lenient = renderer(null, true);
    lenient.onSnapshot(fresh());
    time.advance(DEBOUNCE);
    assertThat(Files.readString(out())).isEqualTo("upstream payments {\n}\n");
  }

  @Test
  void aFailedCommandPutsThePreviousFileBackWithoutRunningAgain() throws IOException {
    Path runs = dir.resolve("runs");
    Path broken = dir.resolve("broken");
    // Counts its runs; fails (as nginx -t would on a bad file) while "broken" exists.
    String exec = "echo run >> " + runs + "; if [ -f " + broken + " ]; then echo 'emerg: bad upstream' >&2; exit 1; fi";
    Renderer renderer = new Renderer(List.of(new StaticView("payments")), NGINX,
        new Renderer.Options(dir.resolve("out").resolve("upstream.conf"), DEBOUNCE, exec, Duration.ofSeconds(5), false), time);
    Files.createDirectories(dir.resolve("out"));
    Path file = dir.resolve("out").resolve("upstream.conf");
    renderer.onSnapshot(fresh(A, B));
    time.advance(DEBOUNCE);
    String good = Files.readString(file);
    assertThat(Files.readAllLines(runs)).hasSize(1);

    Files.createFile(broken);
    renderer.onSnapshot(fresh(B));
    time.advance(DEBOUNCE);

    assertThat(Files.readString(file)).isEqualTo(good);
    assertThat(Files.readAllLines(runs)).as("ran once for the new file, not for the restore").hasSize(2);
    assertThat(renderer.writes()).isEqualTo(3);
  }

  @Test
  void contentTheCommandRefusedIsNotWrittenAgainUntilTheRegistryChanges() throws IOException {
    Path runs = dir.resolve("runs");
    Path broken = dir.resolve("broken");
    String exec = "echo run >> " + runs + "; if [ -f " + broken + " ]; then exit 1; fi";
    Renderer renderer = renderer(exec, false);
    renderer.onSnapshot(fresh(A));
    time.advance(DEBOUNCE);
    String good = Files.readString(out());
    Files.createFile(broken);
    renderer.onSnapshot(fresh(B));
    time.advance(DEBOUNCE);
    assertThat(Files.readAllLines(runs)).hasSize(2);

    renderer.onSnapshot(fresh(B)); // e.g. the watch re-listed after a reconnect: same instances
    time.advance(DEBOUNCE);

    assertThat(Files.readString(out())).isEqualTo(good);
    assertThat(Files.readAllLines(runs)).as("the refused content is not tried again").hasSize(2);
    assertThat(renderer.writes()).isEqualTo(3);

    Files.delete(broken);
    renderer.onSnapshot(fresh(A, B));
    time.advance(DEBOUNCE);
    assertThat(Files.readString(out())).contains("10.0.0.1:8080", "10.0.0.2:8080");
    assertThat(Files.readAllLines(runs)).hasSize(3);
  }

  @Test
  void aCommandThatTimesOutCountsAsFailedAndTheFirstFileIsRemoved() {
    Renderer renderer = new Renderer(List.of(new StaticView("payments")), NGINX,
        new Renderer.Options(out(), DEBOUNCE, "sleep 60", Duration.ofMillis(300), false), time);

    renderer.onSnapshot(fresh(A));
    time.advance(DEBOUNCE);

    assertThat(out()).as("there was no file before: the restore removes it").doesNotExist();
    assertThat(renderer.writes()).isEqualTo(2);
  }

  @Test
  void closingDropsAPendingRender() {
    Renderer renderer = renderer(null, false);
    renderer.onSnapshot(fresh(A));

    renderer.close();
    time.advance(DEBOUNCE);

    assertThat(out()).doesNotExist();
    assertThat(time.pending()).isZero();
  }

  @Test
  void followsARegistryThroughTheClient() throws IOException {
    String registry = "memory://render-" + UUID.randomUUID();
    try (DiscoveryClient services = DiscoveryClient.builder().registry(registry).withoutShutdownHook().build();
         DiscoveryClient watcher = DiscoveryClient.builder().registry(registry).withoutShutdownHook().build();
         Scheduler renderThread = Scheduler.threads("render-test", 1)) {
      services.register(A);
      var b = services.register(B);
      Renderer renderer = new Renderer(List.of(watcher.service("payments")), NGINX,
          new Renderer.Options(out(), Duration.ofMillis(50), null, Duration.ofSeconds(5), false), renderThread);
      renderer.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(out()) && Files.readString(out()).contains("10.0.0.2:8080"));

      b.close();

      await().atMost(Duration.ofSeconds(5)).until(() -> !Files.readString(out()).contains("10.0.0.2:8080"));
      assertThat(Files.readString(out())).contains("server 10.0.0.1:8080 weight=3;");
      renderer.close();
    }
  }

  @Test
  void renderOnceWritesTheCurrentSnapshotsAndSaysWhetherTheFileHoldsThem() throws IOException {
    FixedView view = new FixedView(fresh(A));
    Renderer renderer = new Renderer(List.of(view), NGINX,
        new Renderer.Options(out(), DEBOUNCE, null, Duration.ofSeconds(5), false), time);

    assertThat(renderer.renderOnce()).isTrue();
    assertThat(Files.readString(out())).contains("server 10.0.0.1:8080 weight=3;");
    assertThat(renderer.renderOnce()).as("unchanged is current too").isTrue();
    view.snapshot = fresh(B).asStale();
    assertThat(renderer.renderOnce()).isFalse();
    view.snapshot = fresh();
    assertThat(renderer.renderOnce()).isFalse();

    assertThat(Files.readString(out())).contains("server 10.0.0.1:8080 weight=3;");
    assertThat(renderer.writes()).isEqualTo(1);
    assertThat(time.pending()).as("no subscription, nothing scheduled").isZero();
  }

  /** A view that serves the snapshot the test sets, without subscribers. */
  private static final class FixedView implements ServiceView {
    volatile Snapshot snapshot;

    FixedView(Snapshot snapshot) {
      this.snapshot = snapshot;
    }

    @Override
    public String service() {
      return snapshot.service();
    }

    @Override
    public Snapshot snapshot() {
      return snapshot;
    }

    @Override
    public Subscription subscribe(Consumer<Snapshot> listener) {
      throw new AssertionError("renderOnce does not subscribe");
    }
  }

  /** A view whose snapshots the test hands to the renderer itself. */
  private record StaticView(String service) implements ServiceView {
    @Override
    public Snapshot snapshot() {
      return Snapshot.notLoaded(service, Instant.EPOCH);
    }

    @Override
    public Subscription subscribe(Consumer<Snapshot> listener) {
      return () -> { };
    }
  }
}
