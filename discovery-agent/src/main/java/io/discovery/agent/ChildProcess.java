package io.discovery.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command as a child process with a deadline, on the calling thread: output (stdout and stderr
 * together) goes to a temporary file rather than a pipe, so no reader thread is needed, and a child
 * that outlives its deadline is killed with its own children ({@code destroyForcibly}).
 */
public final class ChildProcess {
  /** Output kept for a result, from the end: enough for an error message, bounded for a log line. */
  static final int MAX_OUTPUT_CHARS = 2000;

  private ChildProcess() {
  }

  /**
   * How a child process ended.
   *
   * @param exitCode its exit code; -1 when it did not exit by itself
   * @param timedOut true when it was killed at its deadline
   * @param output   the last {@value #MAX_OUTPUT_CHARS} characters of stdout and stderr, trimmed
   * @param error    why it could not run or was not waited for (start failed, interrupted), else null
   */
  public record Result(int exitCode, boolean timedOut, String output, String error) {
    /** True when the command ran and exited with 0. */
    public boolean succeeded() {
      return exitCode == 0 && !timedOut && error == null;
    }

    /** "exit 1", "killed after 1s", "could not start: ...": what happened, for a log line. */
    public String describe(Duration timeout) {
      if (error != null) {
        return error;
      }
      return timedOut ? "no exit within " + Durations.format(timeout) + ": killed" : "exit " + exitCode;
    }
  }

  /** Runs {@code sh -c command}. */
  public static Result shell(String command, Duration timeout) {
    return run(List.of("sh", "-c", command), timeout);
  }

  /**
   * Runs {@code command} and waits at most {@code timeout} for it to exit; kills it and its
   * descendants after that, or when this thread is interrupted (the interrupt flag stays set).
   */
  public static Result run(List<String> command, Duration timeout) {
    Path out;
    try {
      out = Files.createTempFile("discovery-agent-", ".out");
    } catch (IOException e) {
      return new Result(-1, false, "", "could not create a file for its output: " + e.getMessage());
    }
    try {
      Process process;
      try {
        process = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
      } catch (IOException e) {
        return new Result(-1, false, "", "could not start " + command + ": " + e.getMessage());
      }
      closeQuietly(process);
      try {
        if (process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
          return new Result(process.exitValue(), false, tail(out), null);
        }
        kill(process);
        return new Result(-1, true, tail(out), null);
      } catch (InterruptedException e) {
        kill(process);
        Thread.currentThread().interrupt();
        return new Result(-1, false, tail(out), "interrupted: killed");
      }
    } finally {
      try {
        Files.deleteIfExists(out);
      } catch (IOException e) {
        // a leftover file in the temp directory is harmless; the result matters more
      }
    }
  }

  /** Kills {@code process} and everything it started, and reaps it (waiting at most a second). */
  private static void kill(Process process) {
    // Descendants first: once the parent is gone they are no longer its descendants and cannot be found.
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Process process) {
    try {
      process.getOutputStream().close(); // no input: a child that reads stdin sees its end at once
    } catch (IOException e) {
      // the child may have exited already
    }
  }

  private static String tail(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      long size = Files.size(file);
      long skip = Math.max(0, size - MAX_OUTPUT_CHARS * 4L);
      in.skipNBytes(skip);
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      return text.length() <= MAX_OUTPUT_CHARS ? text : "..." + text.substring(text.length() - MAX_OUTPUT_CHARS);
    } catch (IOException e) {
      return "(output unreadable: " + e.getMessage() + ")";
    }
  }
}
