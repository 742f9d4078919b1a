package io.discovery.client.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The production scheduler's threads: named, daemon, and gone once it is closed, delayed tasks or not. */
class ThreadSchedulerLifecycleTest {

  private static List<Thread> threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix + "-") && t.isAlive())
        .toList();
  }

  @Test
  void itsThreadsAreNamedDaemonsThatEndWhenItClosesLeavingDelayedTasksUnrun() throws Exception {
    String prefix = "lifecycle-test-" + System.nanoTime();
    AtomicBoolean delayedRan = new AtomicBoolean();
    Scheduler scheduler = Scheduler.threads(prefix, 1);
    CountDownLatch ran = new CountDownLatch(1);
    scheduler.schedule(ran::countDown, Duration.ZERO);
    scheduler.schedule(() -> delayedRan.set(true), Duration.ofHours(1));
    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(threadsNamed(prefix)).singleElement().satisfies(t -> {
      assertThat(t.getName()).isEqualTo(prefix + "-1");
      assertThat(t.isDaemon()).isTrue();
    });

    scheduler.close();

    await().atMost(Duration.ofSeconds(10)).until(() -> threadsNamed(prefix).isEmpty());
    assertThat(delayedRan).isFalse();
  }

  @Test
  void aCancelledTaskDoesNotRunAndAClosedSchedulerTakesTasksAsNothing() throws Exception {
    try (Scheduler scheduler = Scheduler.threads("cancel-test", 1)) {
      AtomicBoolean cancelledRan = new AtomicBoolean();
      CountDownLatch later = new CountDownLatch(1);
      scheduler.schedule(() -> cancelledRan.set(true), Duration.ofMillis(50)).cancel();
      scheduler.schedule(later::countDown, Duration.ofMillis(100));
      assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(cancelledRan).isFalse();

      scheduler.close();
      scheduler.schedule(() -> cancelledRan.set(true), Duration.ZERO).cancel();
      assertThat(cancelledRan).isFalse();
    }
  }

  @Test
  void itsTimeIsTheSystemsMonotonicClock() {
    try (Scheduler scheduler = Scheduler.threads("clock-test", 1)) {
      long before = System.nanoTime();
      long now = scheduler.nanoTime();
      assertThat(now - before).isBetween(0L, TimeUnit.SECONDS.toNanos(10));
    }
  }
}
