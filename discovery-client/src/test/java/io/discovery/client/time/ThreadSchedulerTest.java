package io.discovery.client.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ThreadSchedulerTest {

  @Test
  void aTaskThatThrowsIsLoggedAndLaterTasksStillRun() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8)); // slf4j-simple writes here
    CountDownLatch later = new CountDownLatch(1);
    try (Scheduler scheduler = Scheduler.threads("scheduler-test", 1)) {
      scheduler.schedule(() -> {
        throw new IllegalStateException("renewal blew up");
      }, Duration.ZERO);
      scheduler.schedule(() -> {
        throw new LinkageError("a missing class");
      }, Duration.ZERO);
      scheduler.schedule(later::countDown, Duration.ZERO);
      assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      System.setErr(original);
    }

    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log).contains("background task of the discovery client failed", "renewal blew up", "a missing class");
  }
}
