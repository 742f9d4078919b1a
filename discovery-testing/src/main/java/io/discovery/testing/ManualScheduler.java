package io.discovery.testing;

import io.discovery.client.time.ScheduledTask;
import io.discovery.client.time.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} on fake time for tests: nothing runs until {@link #advance(Duration)} or
 * {@link #runDue()}, and tasks run on the calling thread in time order (what a task throws reaches
 * the caller of {@code advance}, so a test sees it). Thread-safe.
 */
public final class ManualScheduler implements Scheduler {
  private final PriorityQueue<Entry> queue = new PriorityQueue<>();
  private final List<Duration> scheduledDelays = new ArrayList<>();
  private long nowNanos;
  private long sequence;
  private boolean closed;

  private final Clock clock = new Clock() {
    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("ManualScheduler's clock is UTC only");
    }

    @Override
    public Instant instant() {
      return Instant.EPOCH.plusNanos(nanos());
    }
  };

  @Override
  public synchronized ScheduledTask schedule(Runnable task, Duration delay) {
    Entry entry = new Entry(nowNanos + Math.max(0, delay.toNanos()), sequence++, task);
    scheduledDelays.add(delay);
    if (!closed) {
      queue.add(entry);
    }
    return () -> {
      synchronized (ManualScheduler.this) {
        queue.remove(entry);
      }
    };
  }

  @Override
  public Clock clock() {
    return clock;
  }

  /**
   * Fake time since the start, in nanoseconds.
   *
   * @return the sum of every {@link #advance} so far
   */
  public synchronized long nanos() {
    return nowNanos;
  }

  @Override
  public long nanoTime() {
    return nanos();
  }

  /**
   * Moves time forward by {@code amount}, running every task that falls due on the way, in order,
   * on the calling thread; tasks those tasks schedule run too if they fall due.
   *
   * @param amount zero or more
   */
  public void advance(Duration amount) {
    long target;
    synchronized (this) {
      target = nowNanos + amount.toNanos();
    }
    while (true) {
      Entry next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.dueNanos > target) {
          nowNanos = target;
          return;
        }
        queue.poll();
        nowNanos = Math.max(nowNanos, next.dueNanos);
      }
      next.task.run();
    }
  }

  /** Runs the tasks that are due now (including tasks they schedule with no delay). */
  public void runDue() {
    advance(Duration.ZERO);
  }

  /**
   * Delay until the next pending task.
   *
   * @return the delay from now, or null when none is pending
   */
  public synchronized Duration nextDelay() {
    Entry next = queue.peek();
    return next == null ? null : Duration.ofNanos(next.dueNanos - nowNanos);
  }

  /**
   * Number of pending tasks.
   *
   * @return tasks scheduled and neither run nor cancelled
   */
  public synchronized int pending() {
    return queue.size();
  }

  /**
   * Every delay ever passed to {@link #schedule}, in order, for tests of backoff and cadence.
   *
   * @return an immutable copy
   */
  public synchronized List<Duration> scheduledDelays() {
    return List.copyOf(scheduledDelays);
  }

  @Override
  public synchronized void close() {
    closed = true;
    queue.clear();
  }

  private record Entry(long dueNanos, long seq, Runnable task) implements Comparable<Entry> {
    @Override
    public int compareTo(Entry o) {
      int c = Long.compare(dueNanos, o.dueNanos);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
