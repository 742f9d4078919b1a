package io.discovery.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessTest {
  @TempDir
  Path dir;

  @Test
  void reportsTheExitCodeAndOutput() {
    ChildProcess.Result result = ChildProcess.shell("echo out; echo err >&2; exit 3", Duration.ofSeconds(10));

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.succeeded()).isFalse();
    assertThat(result.timedOut()).isFalse();
    assertThat(result.output()).contains("out").contains("err");
    assertThat(result.describe(Duration.ofSeconds(10))).isEqualTo("exit 3");
  }

  @Test
  void aCommandThatOutlivesItsTimeoutIsKilledWithItsChildren() throws IOException {
    Path pids = dir.resolve("pids");
    long start = System.nanoTime();

    ChildProcess.Result result = ChildProcess.shell("sleep 60 & echo $$ $! > " + pids + "; wait", Duration.ofMillis(500));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(result.timedOut()).isTrue();
    assertThat(result.succeeded()).isFalse();
    assertThat(result.describe(Duration.ofMillis(500))).isEqualTo("no exit within 500ms: killed");
    String[] both = Files.readString(pids).trim().split(" ");
    for (String pid : both) {
      await("process " + pid + " gone").atMost(Duration.ofSeconds(5)).until(() -> !running(Long.parseLong(pid)));
    }
  }

  @Test
  void aMissingCommandIsAFailureNotAnException() {
    ChildProcess.Result result = ChildProcess.run(List.of(dir.resolve("no-such-command").toString()), Duration.ofSeconds(1));

    assertThat(result.succeeded()).isFalse();
    assertThat(result.error()).startsWith("could not start");
  }

  /** Alive and not a zombie: a killed grandchild may wait for a PID 1 that does not reap. */
  static boolean running(long pid) throws IOException {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (!Files.exists(stat)) {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
    try {
      String text = Files.readString(stat);
      char state = text.charAt(text.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (java.nio.file.NoSuchFileException gone) {
      return false;
    }
  }
}
