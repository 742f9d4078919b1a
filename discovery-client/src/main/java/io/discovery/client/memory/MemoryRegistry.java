package io.discovery.client.memory;

import io.discovery.client.RegistryUnavailableException;
import io.discovery.client.ServiceInstance;
import io.discovery.client.spi.Lease;
import io.discovery.client.spi.LeaseLostException;
import io.discovery.client.spi.WatchHandle;
import io.discovery.client.spi.WatchListener;
import io.discovery.client.time.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A registry inside this JVM, with leases that expire on the registering client's clock and watches
 * that see every change. Clients reach a shared one with the URI {@code memory://<name>}
 * ({@code memory:} is {@code memory://default}). Tests can expire leases, delete instances and make it
 * unreachable.
 */
public final class MemoryRegistry {
  private static final Map<String, MemoryRegistry> NAMED = new ConcurrentHashMap<>();

  private final String name;
  private final Map<String, Map<String, Entry>> services = new LinkedHashMap<>();
  private final Map<String, List<Watcher>> watchers = new LinkedHashMap<>();
  private final AtomicLong leaseIds = new AtomicLong();
  private final ConcurrentLinkedQueue<Runnable> deliveries = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean delivering = new AtomicBoolean();
  private long revision;
  private boolean reachable = true;

  /**
   * A registry of its own, shared with nobody else, even under a name {@link #named} uses.
   *
   * @param name for messages; not null
   */
  public MemoryRegistry(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  /**
   * The registry that {@code memory://<name>} URIs in this JVM share.
   *
   * @param name the name in the URI, e.g. "default" for {@code memory:}
   * @return the same registry for the same name, for the life of the JVM
   */
  public static MemoryRegistry named(String name) {
    return NAMED.computeIfAbsent(name, MemoryRegistry::new);
  }

  /**
   * This registry's name.
   *
   * @return the name it was created with
   */
  public String name() {
    return name;
  }

  /**
   * A backend over this registry whose leases expire on {@code scheduler}'s clock.
   *
   * @param scheduler runs the lease expiries; a {@code ManualScheduler} gives tests control of them
   * @return a new backend; closing it leaves the registry as it is
   */
  public MemoryBackend backend(Scheduler scheduler) {
    return new MemoryBackend(this, scheduler);
  }

  /**
   * The instances registered for {@code service} now, ordered by id; answers even while
   * {@link #setReachable unreachable}, for tests to look inside.
   *
   * @param service the service name, lower case
   * @return an immutable list, empty when none is registered
   */
  public synchronized List<ServiceInstance> instances(String service) {
    return list(service);
  }

  /**
   * The services with at least one instance now, sorted.
   *
   * @return a new set
   * @throws RegistryUnavailableException while the registry is {@link #setReachable unreachable}
   */
  public synchronized java.util.SortedSet<String> services() {
    checkReachable();
    java.util.SortedSet<String> names = new java.util.TreeSet<>();
    services.forEach((name, entries) -> {
      if (!entries.isEmpty()) {
        names.add(name);
      }
    });
    return names;
  }

  /**
   * How many watches on {@code service} are open now, for tests that check that a client closes
   * what it opened.
   *
   * @param service the service name, lower case
   * @return the number of open watches, 0 when none
   */
  public synchronized int watches(String service) {
    return watchers.getOrDefault(service, List.of()).size();
  }

  /**
   * The registry's revision: it grows with every change.
   *
   * @return the revision, 0 before the first change
   */
  public synchronized long revision() {
    return revision;
  }

  /**
   * Makes every call fail as if the registry were down, or answers again; watches end on the way
   * down, with {@link RegistryUnavailableException}.
   *
   * @param reachable false to fail every call, true to answer again
   */
  public void setReachable(boolean reachable) {
    List<Watcher> ended = new ArrayList<>();
    synchronized (this) {
      this.reachable = reachable;
      if (!reachable) {
        watchers.values().forEach(ended::addAll);
        watchers.clear();
      }
    }
    for (Watcher w : ended) {
      deliveries.add(() -> w.listener.onFailure(new RegistryUnavailableException("memory registry '" + name + "' is unreachable")));
    }
    deliver();
  }

  /**
   * Loses every instance at once, as a registry restarted with an empty data directory does: each
   * watcher hears one answer without them. Registrations find their leases gone and register again.
   */
  public void wipe() {
    synchronized (this) {
      List<String> names = new ArrayList<>(services.keySet());
      services.clear();
      names.forEach(this::changed);
    }
    deliver();
  }

  /**
   * Ends the lease of {@code id} in {@code service} as if it had expired; watchers hear the removal.
   *
   * @param service the service name, lower case
   * @param id      the instance id
   * @return true if the instance was registered; false if there is none
   */
  public boolean expire(String service, String id) {
    synchronized (this) {
      Map<String, Entry> entries = services.get(service);
      if (entries == null || entries.remove(id) == null) {
        return false;
      }
      changed(service);
    }
    deliver();
    return true;
  }

  Lease register(ServiceInstance instance, Duration ttl, Scheduler scheduler) {
    Entry entry = new Entry(instance, Long.toString(leaseIds.incrementAndGet()), ttl, scheduler);
    synchronized (this) {
      checkReachable();
      entry.expiresAt = scheduler.clock().instant().plus(ttl);
      services.computeIfAbsent(instance.service(), s -> new LinkedHashMap<>()).put(instance.id(), entry);
      changed(instance.service());
      scheduleExpiry(entry, ttl);
    }
    deliver();
    return new Lease(instance, entry.leaseId);
  }

  Lease update(Lease lease, ServiceInstance changed) {
    synchronized (this) {
      checkReachable();
      Entry entry = find(lease);
      if (entry == null) {
        throw new LeaseLostException("lease " + lease.id() + " of '" + lease.instance().id() + "' is not in memory registry '" + name + "'");
      }
      entry.instance = changed;
      changed(changed.service());
    }
    deliver();
    return new Lease(changed, lease.id());
  }

  synchronized void renew(Lease lease) {
    checkReachable();
    Entry entry = find(lease);
    if (entry == null) {
      throw new LeaseLostException("lease " + lease.id() + " of '" + lease.instance().id() + "' is not in memory registry '" + name + "'");
    }
    entry.expiresAt = entry.scheduler.clock().instant().plus(entry.ttl);
  }

  void deregister(Lease lease) {
    synchronized (this) {
      checkReachable();
      Entry entry = find(lease);
      if (entry == null) {
        return;
      }
      services.get(lease.instance().service()).remove(lease.instance().id());
      changed(lease.instance().service());
    }
    deliver();
  }

  WatchHandle watch(String service, WatchListener listener) {
    Watcher watcher = new Watcher(listener);
    synchronized (this) {
      if (!reachable) {
        deliveries.add(() -> listener.onFailure(new RegistryUnavailableException("memory registry '" + name + "' is unreachable")));
      } else {
        watchers.computeIfAbsent(service, s -> new ArrayList<>()).add(watcher);
        List<ServiceInstance> now = list(service);
        long rev = revision;
        deliveries.add(() -> watcher.deliver(now, rev));
      }
    }
    deliver();
    return () -> {
      watcher.closed = true;
      synchronized (MemoryRegistry.this) {
        List<Watcher> list = watchers.get(service);
        if (list != null) {
          list.remove(watcher);
        }
      }
    };
  }

  private void scheduleExpiry(Entry entry, Duration delay) {
    entry.scheduler.schedule(() -> checkExpiry(entry), delay);
  }

  private void checkExpiry(Entry entry) {
    synchronized (this) {
      Map<String, Entry> entries = services.get(entry.instance.service());
      if (entries == null || entries.get(entry.instance.id()) != entry) {
        return;
      }
      Instant now = entry.scheduler.clock().instant();
      if (now.isBefore(entry.expiresAt)) {
        scheduleExpiry(entry, Duration.between(now, entry.expiresAt));
        return;
      }
      entries.remove(entry.instance.id());
      changed(entry.instance.service());
    }
    deliver();
  }

  private Entry find(Lease lease) {
    Map<String, Entry> entries = services.get(lease.instance().service());
    Entry entry = entries == null ? null : entries.get(lease.instance().id());
    return entry != null && entry.leaseId.equals(lease.id()) ? entry : null;
  }

  private List<ServiceInstance> list(String service) {
    Map<String, Entry> entries = services.getOrDefault(service, Map.of());
    return entries.values().stream().map(e -> e.instance)
        .sorted(Comparator.comparing(ServiceInstance::id)).toList();
  }

  /** Caller holds this: queues the new list for every watcher of {@code service}. */
  private void changed(String service) {
    revision++;
    List<ServiceInstance> now = list(service);
    long rev = revision;
    for (Watcher w : watchers.getOrDefault(service, List.of())) {
      deliveries.add(() -> w.deliver(now, rev));
    }
  }

  private void checkReachable() {
    if (!reachable) {
      throw new RegistryUnavailableException("memory registry '" + name + "' is unreachable");
    }
  }

  /** Runs queued deliveries outside the lock, one thread at a time, in order. */
  private void deliver() {
    while (!deliveries.isEmpty()) {
      if (!delivering.compareAndSet(false, true)) {
        return;
      }
      try {
        Runnable r;
        while ((r = deliveries.poll()) != null) {
          r.run();
        }
      } finally {
        delivering.set(false);
      }
    }
  }

  private static final class Entry {
    ServiceInstance instance;
    final String leaseId;
    final Duration ttl;
    final Scheduler scheduler;
    Instant expiresAt;

    Entry(ServiceInstance instance, String leaseId, Duration ttl, Scheduler scheduler) {
      this.instance = instance;
      this.leaseId = leaseId;
      this.ttl = ttl;
      this.scheduler = scheduler;
    }
  }

  private static final class Watcher {
    final WatchListener listener;
    volatile boolean closed;

    Watcher(WatchListener listener) {
      this.listener = listener;
    }

    void deliver(List<ServiceInstance> instances, long revision) {
      if (!closed) {
        listener.onInstances(instances, revision);
      }
    }
  }
}
