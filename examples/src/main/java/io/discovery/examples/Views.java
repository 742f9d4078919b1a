package io.discovery.examples;

import io.discovery.client.ServiceView;
import io.discovery.client.Snapshot;
import io.discovery.client.Subscription;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Waits on a view's snapshots (pushed to a listener), not by polling. */
final class Views {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** An action that may be interrupted. */
  interface Action {
    void run() throws InterruptedException;
  }

  private Views() {
  }

  static void awaitSize(ServiceView view, int size) throws InterruptedException {
    await(view, s -> s.instances().size() == size, size + " instances");
  }

  /** Runs {@code action} and returns the milliseconds until the view no longer holds {@code hostPort}. */
  static long timeToLeave(ServiceView view, String hostPort, Action action) throws InterruptedException {
    long start = System.nanoTime();
    action.run();
    await(view, s -> s.instances().stream().noneMatch(i -> i.hostPort().equals(hostPort)), "no " + hostPort);
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private static void await(ServiceView view, Predicate<Snapshot> condition, String what) throws InterruptedException {
    Object changed = new Object();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    Subscription subscription = view.subscribe(s -> {
      synchronized (changed) {
        changed.notifyAll();
      }
    });
    try {
      synchronized (changed) {
        while (!condition.test(view.snapshot())) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            throw new IllegalStateException("the view of '" + view.service() + "' did not reach " + what + " within "
                + TIMEOUT.toSeconds() + " s; it has " + view.instances().size() + " instances");
          }
          TimeUnit.NANOSECONDS.timedWait(changed, left);
        }
      }
    } finally {
      subscription.close();
    }
  }
}
