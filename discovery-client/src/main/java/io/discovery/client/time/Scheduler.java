package io.discovery.client.time;

import java.time.Clock;
import java.time.Duration;

/**
 * Where a client runs its background work (heartbeats, retries, re-watches) and reads the time.
 * Injectable so that tests run on fake time instead of sleeping ({@code io.discovery.testing.ManualScheduler}, in
 * the discovery-testing artifact).
 */
public interface Scheduler extends AutoCloseable {

  /**
   * Runs {@code task} once after {@code delay}; on a closed scheduler, never.
   *
   * @param task  the task; what it throws is logged (a {@code ManualScheduler} passes it on instead)
   * @param delay from now; zero or negative runs it as soon as possible
   * @return a handle to cancel the task
   */
  ScheduledTask schedule(Runnable task, Duration delay);

  /**
   * The clock that matches this scheduler's notion of time.
   *
   * @return the clock, for wall-clock readings such as a snapshot's {@code updatedAt}
   */
  Clock clock();

  /**
   * A monotonic nanosecond reading of this scheduler's time, for durations and deadlines: the one
   * ticker that registrations, views, load balancers ({@code LoadBalancer.Builder.ticker}) and
   * retry budgets can share, so that tests on fake time drive all of them.
   *
   * @return nanoseconds from an arbitrary origin; only differences mean anything
   */
  long nanoTime();

  /** Stops running tasks; tasks already running may finish. Idempotent. */
  @Override
  void close();

  /**
   * A scheduler on {@code threads} daemon threads named {@code <namePrefix>-N}, on the system clock.
   * Closing it stops the threads.
   *
   * @param namePrefix the threads' name prefix
   * @param threads    how many threads run tasks
   * @return a new scheduler; the caller closes it
   */
  static Scheduler threads(String namePrefix, int threads) {
    return new ThreadScheduler(namePrefix, threads);
  }
}
