package io.discovery.client.time;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Scheduler} on a small pool of named daemon threads. A task that throws is logged here: a
 * scheduled executor would keep the failure in a future nobody reads.
 */
final class ThreadScheduler implements Scheduler {
  private static final Logger log = LoggerFactory.getLogger(ThreadScheduler.class);

  private final ScheduledThreadPoolExecutor executor;

  ThreadScheduler(String namePrefix, int threads) {
    AtomicInteger counter = new AtomicInteger();
    executor = new ScheduledThreadPoolExecutor(threads, r -> {
      Thread t = new Thread(r, namePrefix + "-" + counter.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public ScheduledTask schedule(Runnable task, Duration delay) {
    ScheduledFuture<?> future;
    try {
      future = executor.schedule(() -> runLogged(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      return () -> { };
    }
    return () -> future.cancel(false);
  }

  /** Runs {@code task}, logging what it throws; an Error is rethrown after it is logged. */
  static void runLogged(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.error("a background task of the discovery client failed: {}", task, e);
    } catch (Error e) {
      log.error("a background task of the discovery client failed with an error: {}", task, e);
      throw e;
    }
  }

  @Override
  public Clock clock() {
    return Clock.systemUTC();
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public void close() {
    executor.shutdown();
  }
}
