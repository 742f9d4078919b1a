package io.discovery.agent.registrar;

import io.discovery.agent.Durations;
import io.discovery.client.time.ScheduledTask;
import io.discovery.client.time.Scheduler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the registrar's config file by reading it every {@code period} (1 s in the agent) and
 * comparing a hash of its content: simpler than a {@code WatchService} and blind to neither editors
 * that replace the file nor file systems whose modification times are coarse. A changed file that
 * parses goes to {@code onChange}; one that does not is logged once, with its line and field, and the
 * last good config stays in force. A change whose {@code onChange} threw is offered again at each poll
 * until it takes.
 */
public final class ConfigWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);

  private final Path file;
  private final Scheduler scheduler;
  private final Duration period;
  /** Guarded by lock. */
  private Consumer<RegistrarConfig> onChange;
  private final Object lock = new Object();
  /** Guarded by lock. */
  private byte[] lastHash;
  /** Guarded by lock. */
  private String lastReadError;
  /** Why the last apply failed, so that a retry failing the same way is not logged again; guarded by lock. */
  private String lastApplyError;
  /** Guarded by lock. */
  private ScheduledTask next;
  /** Guarded by lock. */
  private boolean closed;

  /** A watcher of {@code file} that polls on {@code scheduler} (not owned) every {@code period}, once started. */
  public ConfigWatcher(Path file, Scheduler scheduler, Duration period) {
    this.file = Objects.requireNonNull(file, "file");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.period = Objects.requireNonNull(period, "period");
  }

  /**
   * Reads and parses the file now, for the start; later changes are compared with it.
   *
   * @throws ConfigException when it does not parse
   * @throws java.io.UncheckedIOException when it cannot be read
   */
  public RegistrarConfig load() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + file + ": " + e, e);
    }
    RegistrarConfig config = RegistrarConfig.parse(new String(bytes, StandardCharsets.UTF_8), file.getFileName().toString());
    synchronized (lock) {
      lastHash = sha256(bytes);
    }
    return config;
  }

  /**
   * Starts polling: each change from what {@link #load()} read (or the last change) that parses goes
   * to {@code onChange}, on the scheduler's thread.
   */
  public void start(Consumer<RegistrarConfig> onChange) {
    synchronized (lock) {
      this.onChange = Objects.requireNonNull(onChange, "onChange");
      scheduleNext();
    }
  }

  private void scheduleNext() {
    synchronized (lock) {
      if (!closed) {
        next = scheduler.schedule(this::poll, period);
      }
    }
  }

  /** Reads the file once and applies a change; then schedules the next poll. */
  void poll() {
    try {
      check();
    } finally {
      scheduleNext();
    }
  }

  private void check() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      String error = e.toString();
      synchronized (lock) {
        if (error.equals(lastReadError)) {
          return;
        }
        lastReadError = error;
      }
      log.error("cannot read {}: {}; keeping the last good config", file, error);
      return;
    }
    byte[] hash = sha256(bytes);
    Consumer<RegistrarConfig> apply;
    synchronized (lock) {
      apply = onChange;
      lastReadError = null;
      if (Arrays.equals(hash, lastHash)) {
        return;
      }
    }
    RegistrarConfig config;
    try {
      config = RegistrarConfig.parse(new String(bytes, StandardCharsets.UTF_8), file.getFileName().toString());
    } catch (ConfigException e) {
      remember(hash); // the same bad content is not parsed and logged again each poll
      log.error("{}; keeping the last good config", e.getMessage());
      return;
    }
    boolean retry;
    synchronized (lock) {
      retry = lastApplyError != null;
    }
    if (!retry) {
      log.info("{} changed: applying it", file);
    }
    try {
      apply.accept(config);
    } catch (RuntimeException e) {
      String error = e.toString();
      boolean again;
      synchronized (lock) {
        again = error.equals(lastApplyError);
        lastApplyError = error;
        lastHash = null; // a failure may have applied part of it: whatever the file holds next is applied
      }
      if (!again) {
        log.error("applying the new {} failed: {}; trying again every {}", file, error, Durations.format(period), e);
      }
      return;
    }
    synchronized (lock) {
      lastApplyError = null;
    }
    remember(hash);
  }

  private void remember(byte[] hash) {
    synchronized (lock) {
      lastHash = hash;
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Stops polling; idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      if (next != null) {
        next.cancel();
      }
    }
  }
}
