package io.discovery.client.time;

/** A task scheduled on a {@link Scheduler}. */
public interface ScheduledTask {

  /** Prevents the task from running if it has not started; does not interrupt a running task. */
  void cancel();
}
