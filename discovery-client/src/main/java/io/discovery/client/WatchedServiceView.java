package io.discovery.client;

import io.discovery.client.spi.WatchHandle;
import io.discovery.client.spi.WatchListener;
import io.discovery.client.time.ScheduledTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ServiceView} kept current by a backend watch. When the watch fails, the last snapshot is
 * kept and marked stale, and a new watch starts after a backoff delay. Callers wait for the first
 * load until one deadline, set when the view is created (none when the client already knows the
 * registry is unreachable), so a down registry costs at most one initial-load timeout.
 */
final class WatchedServiceView implements ServiceView {
  private static final Logger log = LoggerFactory.getLogger(WatchedServiceView.class);
  private static final Comparator<ServiceInstance> BY_ID = Comparator.comparing(ServiceInstance::id);

  private final String service;
  private final ClientSettings settings;
  private final CopyOnWriteArrayList<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();
  private final CountDownLatch loaded = new CountDownLatch(1);
  /** Shared by the client's views: whether the registry failed to answer the last time anyone asked. */
  private final AtomicBoolean registryDown;
  private final long loadDeadlineNanos;
  private volatile Snapshot snapshot;

  /** Guarded by this: the watch in use; callbacks from any older one are ignored. */
  private int generation;
  private WatchHandle handle;
  private ScheduledTask retry;
  private int failures;
  private boolean closed;

  WatchedServiceView(String service, ClientSettings settings, AtomicBoolean registryDown) {
    this.service = service;
    this.settings = settings;
    this.registryDown = registryDown;
    this.loadDeadlineNanos = settings.scheduler().nanoTime()
        + (registryDown.get() ? 0 : settings.initialLoadTimeout().toNanos());
    this.snapshot = Snapshot.notLoaded(service, settings.scheduler().clock().instant());
  }

  @Override
  public String service() {
    return service;
  }

  @Override
  public Snapshot snapshot() {
    return snapshot;
  }

  @Override
  public AutoCloseable subscribe(Consumer<Snapshot> listener) {
    synchronized (this) {
      listeners.add(listener);
      listener.accept(snapshot);
    }
    return () -> listeners.remove(listener);
  }

  /** Starts the first watch. */
  void start() {
    startWatch();
  }

  /**
   * Waits for the first snapshot until the view's load deadline or {@code maxWait}, whichever comes
   * first, on the scheduler's clock; returns whether it arrived. Past the deadline it returns at once.
   */
  boolean awaitLoaded(Duration maxWait) {
    long now = settings.scheduler().nanoTime();
    long deadline = Math.min(loadDeadlineNanos, now + maxWait.toNanos());
    try {
      for (long left = deadline - now; left > 0; left = deadline - settings.scheduler().nanoTime()) {
        // In slices: on a fake clock the deadline moves only when the test advances time.
        if (loaded.await(Math.min(left, ClientSettings.WAIT_SLICE_NANOS), TimeUnit.NANOSECONDS)) {
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    boolean arrived = loaded.getCount() == 0;
    if (!arrived && settings.scheduler().nanoTime() - loadDeadlineNanos >= 0) {
      // The view's own deadline passed, not just a caller's shorter wait: the registry is not answering.
      registryDown.set(true);
    }
    return arrived;
  }

  /** Whether the registry answered for this service at least once. */
  boolean loaded() {
    return loaded.getCount() == 0;
  }

  /** Whether anything but the client follows this view. */
  boolean hasSubscribers() {
    return !listeners.isEmpty();
  }

  private void startWatch() {
    int watchGeneration;
    synchronized (this) {
      if (closed) {
        return;
      }
      watchGeneration = ++generation;
    }
    WatchHandle started;
    try {
      started = settings.backend().watch(service, new Listener(watchGeneration));
    } catch (RuntimeException e) {
      failed(watchGeneration, e);
      return;
    }
    boolean stop;
    synchronized (this) {
      stop = closed || generation != watchGeneration;
      if (!stop) {
        handle = started;
      }
    }
    if (stop) {
      started.close();
    }
  }

  private void received(int watchGeneration, List<ServiceInstance> instances, long revision, boolean partial) {
    List<ServiceInstance> sorted = new ArrayList<>(instances);
    sorted.sort(BY_ID);
    boolean wasStale;
    synchronized (this) {
      if (closed || generation != watchGeneration) {
        return;
      }
      wasStale = snapshot.stale() && loaded.getCount() == 0;
      failures = 0;
      publish(new Snapshot(service, sorted, revision, settings.scheduler().clock().instant(), false, true, partial));
    }
    loaded.countDown();
    registryDown.set(false);
    if (wasStale) {
      log.info("view of '{}' is current again ({} instances)", service, sorted.size());
    }
  }

  private void failed(int watchGeneration, Throwable error) {
    Duration delay;
    boolean firstFailure;
    synchronized (this) {
      if (closed || generation != watchGeneration) {
        return;
      }
      handle = null;
      registryDown.set(true);
      firstFailure = !snapshot.stale();
      publish(snapshot.asStale());
      delay = settings.backoff().delay(failures++);
      retry = settings.scheduler().schedule(this::startWatch, delay);
    }
    if (firstFailure) {
      log.warn("watch of '{}' failed: {}; serving the last {} instances as stale and watching again with backoff",
          service, error.toString(), snapshot.instances().size());
    } else {
      log.debug("watch of '{}' failed again: {}; next attempt in {}", service, error, delay);
    }
  }

  /** Caller holds this, so that listeners see snapshots in order. */
  private void publish(Snapshot next) {
    if (next == snapshot) {
      return;
    }
    snapshot = next;
    for (Consumer<Snapshot> listener : listeners) {
      try {
        listener.accept(next);
      } catch (RuntimeException e) {
        log.warn("listener of the '{}' view failed on a new snapshot", service, e);
      }
    }
  }

  void close() {
    WatchHandle toClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = handle;
      handle = null;
      if (retry != null) {
        retry.cancel();
      }
    }
    if (toClose != null) {
      toClose.close();
    }
  }

  private final class Listener implements WatchListener {
    private final int watchGeneration;

    Listener(int watchGeneration) {
      this.watchGeneration = watchGeneration;
    }

    @Override
    public void onInstances(List<ServiceInstance> instances, long revision) {
      received(watchGeneration, instances, revision, false);
    }

    @Override
    public void onInstances(List<ServiceInstance> instances, long revision, boolean partial) {
      received(watchGeneration, instances, revision, partial);
    }

    @Override
    public void onFailure(Throwable error) {
      failed(watchGeneration, error);
    }
  }
}
