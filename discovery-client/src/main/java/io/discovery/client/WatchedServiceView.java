package io.discovery.client;

import io.discovery.client.spi.WatchHandle;
import io.discovery.client.spi.WatchListener;
import io.discovery.client.time.ScheduledTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
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
  /** How long a first call waits for the registry when the view could start from disk. */
  static final Duration RESTORED_WAIT = Duration.ofMillis(500);

  private final String service;
  private final ClientSettings settings;
  private final CopyOnWriteArrayList<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();
  private final CountDownLatch loaded = new CountDownLatch(1);
  /** Shared by the client's views: whether the registry failed to answer the last time anyone asked. */
  private final AtomicBoolean registryDown;
  private final long loadDeadlineNanos;
  private volatile Snapshot snapshot;
  private volatile boolean claimed;

  /** Guarded by this: the watch in use; callbacks from any older one are ignored. */
  private int generation;
  private WatchHandle handle;
  private ScheduledTask retry;
  private int failures;
  private boolean closed;
  /** Guarded by this, while the protect threshold holds a list: the newest answer, and the task that accepts it. */
  private Snapshot latest;
  private ScheduledTask release;
  /** Guarded by this: the last watch failed and no answer came since. */
  private boolean watchFailed;

  /** @param restored the view's snapshot read from disk, or null */
  WatchedServiceView(String service, ClientSettings settings, AtomicBoolean registryDown, Snapshot restored) {
    this.service = service;
    this.settings = settings;
    this.registryDown = registryDown;
    // With instances from disk to serve, a first call waits for the registry only briefly.
    Duration wait = registryDown.get() ? Duration.ZERO
        : restored != null ? min(settings.initialLoadTimeout(), RESTORED_WAIT) : settings.initialLoadTimeout();
    this.loadDeadlineNanos = settings.scheduler().nanoTime() + wait.toNanos();
    this.snapshot = restored != null ? restored : Snapshot.notLoaded(service, settings.scheduler().clock().instant());
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
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
  public Subscription subscribe(Consumer<Snapshot> listener) {
    synchronized (this) {
      listeners.add(listener);
      try {
        listener.accept(snapshot);
      } catch (RuntimeException | Error e) {
        listeners.remove(listener);
        throw e;
      }
    }
    return () -> listeners.remove(listener);
  }

  /** Reports a restored snapshot and starts the first watch; called once, without the client's lock. */
  void start() {
    Snapshot first = snapshot;
    if (first.restored()) {
      settings.events().emit(new DiscoveryEvent.ViewRestored(first));
    }
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

  /** Marks the view as asked for through {@code service()}: it is never dropped by {@code forgetIfUnused}. */
  void claim() {
    claimed = true;
  }

  boolean claimed() {
    return claimed;
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
    synchronized (this) {
      if (closed || generation != watchGeneration) {
        return;
      }
      answered(sorted, revision, partial, null);
    }
    registryDown.set(false);
  }

  /** Applies a backend's changes to the newest answer: O(changes x log n) searches and one copy of the list. */
  private void changed(int watchGeneration, Collection<ServiceInstance> upserted, Collection<String> removedIds, long revision) {
    synchronized (this) {
      if (closed || generation != watchGeneration) {
        return;
      }
      Snapshot base = latest != null ? latest : snapshot;
      Change change = new Change(new ArrayList<>(), new ArrayList<>());
      List<ServiceInstance> next = Change.apply(base.instances(), upserted, removedIds, change);
      answered(next, revision, base.partial(), change);
    }
    registryDown.set(false);
  }

  /** The registry answered {@code sorted}; {@code change} from the newest answer, when known. Caller holds this. */
  private void answered(List<ServiceInstance> sorted, long revision, boolean partial, Change change) {
    failures = 0;
    watchFailed = false;
    // An instance marked out of service is registered, but no caller may pick it: it leaves the view,
    // yet counts as present for the protect threshold, since the registry did not lose it.
    List<ServiceInstance> inService = sorted;
    if (sorted.stream().anyMatch(ServiceInstance::outOfService)) {
      inService = sorted.stream().filter(i -> !i.outOfService()).toList();
      change = null; // worked out against the list shown instead
    }
    Snapshot answer = new Snapshot(service, inService, revision, settings.scheduler().clock().instant(), false, true, partial,
        false, false);
    Snapshot shown = snapshot;
    // A list restored from disk may simply be old: only an empty answer is held against it.
    boolean suspect = !shown.restored() || sorted.isEmpty();
    if (suspect && settings.protection().holds(shown.instances(), sorted)) {
      hold(shown, answer);
    } else {
      // A change known against a held list is not the change against the one shown.
      accept(shown, answer, latest == null ? change : null);
    }
    loaded.countDown();
  }

  private void failed(int watchGeneration, Throwable error) {
    Duration delay;
    synchronized (this) {
      if (closed || generation != watchGeneration) {
        return;
      }
      handle = null;
      watchFailed = true;
      registryDown.set(true);
      boolean firstFailure = !snapshot.stale() || latest != null;
      publish(snapshot.asStale());
      delay = settings.backoff().delay(failures++);
      retry = settings.scheduler().schedule(this::startWatch, delay);
      if (firstFailure) {
        settings.events().emit(new DiscoveryEvent.ViewStale(snapshot, error));
      }
    }
    log.debug("watch of '{}' failed: {}; next attempt in {}", service, error, delay);
  }

  /** The registry's answer replaces {@code shown}; {@code change} between the two when known. Caller holds this. */
  private void accept(Snapshot shown, Snapshot answer, Change change) {
    boolean firstLoad = loaded.getCount() != 0;
    boolean wasHeld = latest != null;
    boolean same = change != null ? change.isEmpty() : shown.instances().equals(answer.instances());
    if (!firstLoad && !wasHeld && !shown.stale() && shown.partial() == answer.partial() && same) {
      return; // the same list again (a watch that listed again after a quiet spell): nothing to publish or save
    }
    if (wasHeld) {
      latest = null;
      release.cancel();
      release = null;
    }
    show(answer);
    if (firstLoad) {
      settings.events().emit(new DiscoveryEvent.ViewLoaded(answer));
    } else if (wasHeld) {
      settings.events().emit(new DiscoveryEvent.ViewReleased(answer, false));
    } else if (shown.stale()) {
      settings.events().emit(new DiscoveryEvent.ViewFresh(answer));
    }
    if (!firstLoad) {
      reportChange(answer, change != null ? change : Change.between(shown.instances(), answer.instances()));
    }
  }

  /** A ViewChanged event when the instances differ; caller holds this. */
  private void reportChange(Snapshot after, Change change) {
    if (!change.isEmpty()) {
      settings.events().emit(new DiscoveryEvent.ViewChanged(after, change.added(), change.removed()));
    }
  }

  /** Keeps {@code shown}'s list, held, instead of {@code answer}, for at most the protection's hold; caller holds this. */
  private void hold(Snapshot shown, Snapshot answer) {
    if (latest == null) {
      Protection protection = settings.protection();
      release = settings.scheduler().schedule(this::releaseHold, protection.hold());
      settings.events().emit(new DiscoveryEvent.ViewHeld(service, shown.instances().size(), answer.instances().size(),
          protection.hold(), protection.share()));
    }
    latest = answer;
    publish(shown.asHeld());
  }

  /** The hold ran out: the newest answer stands. */
  private void releaseHold() {
    synchronized (this) {
      if (closed || latest == null) {
        return;
      }
      Snapshot shown = snapshot;
      // The newest answer stands; stale if the watch failed since, so that it is not taken for current.
      Snapshot answer = watchFailed ? latest.asStale() : latest;
      latest = null;
      release = null;
      show(answer);
      settings.events().emit(new DiscoveryEvent.ViewReleased(answer, true));
      reportChange(answer, Change.between(shown.instances(), answer.instances()));
    }
  }

  /** Publishes a registry answer and, when it is current, saves it to disk; caller holds this. */
  private void show(Snapshot answer) {
    publish(answer);
    if (settings.snapshots() != null && !answer.stale()) {
      settings.snapshots().save(answer);
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
      if (release != null) {
        release.cancel();
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
    public void onChanges(Collection<ServiceInstance> upserted, Collection<String> removedIds, long revision) {
      changed(watchGeneration, upserted, removedIds, revision);
    }

    @Override
    public void onFailure(Throwable error) {
      failed(watchGeneration, error);
    }
  }
}
