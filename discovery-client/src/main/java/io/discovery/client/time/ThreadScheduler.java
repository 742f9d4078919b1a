package io.discovery.client.time;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** {@link Scheduler} on a small pool of named daemon threads. */
final class ThreadScheduler implements Scheduler {
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
      future = executor.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      return () -> { };
    }
    return () -> future.cancel(false);
  }

  @Override
  public Clock clock() {
    return Clock.systemUTC();
  }

  @Override
  public void close() {
    executor.shutdown();
  }
}
