package io.discovery.client.etcd;

import io.discovery.client.ServiceView;
import io.discovery.client.Snapshot;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** Reads a view every 0.1 ms on a thread of its own, as a busy caller would, counting what it saw. */
public final class ViewReader implements AutoCloseable {
  public final AtomicLong reads = new AtomicLong();
  public final AtomicLong empty = new AtomicLong();
  public final AtomicLong stale = new AtomicLong();
  public final AtomicLong held = new AtomicLong();
  private final AtomicBoolean reading = new AtomicBoolean(true);
  private final Thread thread;

  public ViewReader(ServiceView view) {
    thread = new Thread(() -> {
      while (reading.get()) {
        Snapshot s = view.snapshot();
        reads.incrementAndGet();
        empty.addAndGet(s.isEmpty() ? 1 : 0);
        stale.addAndGet(s.stale() ? 1 : 0);
        held.addAndGet(s.held() ? 1 : 0);
        LockSupport.parkNanos(100_000); // leaves the cores to the registry's processes
      }
    }, "view-reader");
    thread.start();
  }

  /** Stops reading and waits for the thread to end. */
  @Override
  public void close() throws InterruptedException {
    reading.set(false);
    thread.join();
  }
}
