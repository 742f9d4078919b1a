package io.discovery.agent.console;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.DiscoveryException;
import io.discovery.client.ServiceView;
import io.discovery.client.Subscription;
import io.discovery.client.consul.CriticalCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services of a registry as the console shows them: {@link #refresh()} lists them and holds a
 * subscribed view of each; a view whose service is no longer listed is unsubscribed and handed back
 * to the client with {@code forgetIfUnused} as soon as it is empty, so that a service that comes and
 * goes leaves no watch behind. Every change (a view's update, a listing that adds, drops or fails)
 * runs {@code changed}, which must be quick.
 */
final class RegistryTracker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RegistryTracker.class);
  private static final Comparator<CriticalCheck> CHECK_ORDER = Comparator.comparing(CriticalCheck::serviceId)
      .thenComparing(CriticalCheck::node).thenComparing(CriticalCheck::checkId);

  /**
   * How long a new view may take to load before the listing moves on (a view that takes longer fills
   * in, and tells its subscriber, when the registry answers). Not zero: a watch needs a moment to
   * answer, and the client warns about every view that has not loaded when asked. The wait is spent
   * only when the registry lists its services but does not answer a watch in time; once a watch has
   * failed, the client no longer waits for new views at all.
   */
  static final Duration FIRST_LOAD_WAIT = Duration.ofSeconds(1);

  private final DiscoveryClient client;
  private final String registry;
  private final CriticalChecks checks;
  private final Runnable changed;
  /** Guarded by this: the listed services' views and the handles of their subscriptions. */
  private final Map<String, Subscribed> shown = new TreeMap<>();
  /** Guarded by this: views no longer listed, waiting until the client may forget them (they still hold instances). */
  private final Set<String> leaving = new HashSet<>();
  /** Guarded by this: names the registry lists that are not service names, logged once each. */
  private final Set<String> refused = new HashSet<>();
  private boolean closed;
  private volatile String listingError;
  private volatile String checksError;
  private volatile List<CriticalCheck> critical = List.of();

  /**
   * @param registry the registry URI to show, without secrets
   * @param checks   the source of critical checks, or null when the registry reports none
   * @param changed  run on every change, from the refreshing thread or a view's watch thread
   */
  RegistryTracker(DiscoveryClient client, String registry, CriticalChecks checks, Runnable changed) {
    this.client = client;
    this.registry = registry;
    this.checks = checks;
    this.changed = changed;
  }

  /**
   * Lists the services and their critical checks (on the caller's thread), starts views of new
   * ones and lets go of those gone. A registry that cannot be reached leaves the views as they are
   * (they turn stale on their own) and shows the error.
   *
   * @throws UnsupportedOperationException when the registry cannot list its services (DNS)
   */
  void refresh() {
    SortedSet<String> listed;
    String error = null;
    try {
      listed = client.services();
    } catch (DiscoveryException e) {
      listed = null;
      error = e.getMessage();
    }
    readChecks();
    if (listed != null) {
      apply(listed);
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      forgetLeaving();
    }
    String before = listingError;
    listingError = error;
    if (error != null && before == null) {
      log.warn("console: cannot list the services of {}: {}; showing the last known views", registry, error);
    } else if (error == null && before != null) {
      log.info("console: listing the services of {} again", registry);
    }
    changed.run();
  }

  private void readChecks() {
    if (checks == null) {
      return;
    }
    try {
      List<CriticalCheck> now = new ArrayList<>(checks.critical());
      now.sort(CHECK_ORDER);
      critical = List.copyOf(now);
      checksError = null;
    } catch (DiscoveryException e) {
      checksError = e.getMessage(); // the last checks read stay shown, with the error
    }
  }

  /**
   * Lets go of the services no longer listed and starts views of new ones. A new view may take up to
   * {@link #FIRST_LOAD_WAIT} to load, so views are looked up without the lock that {@link #state()}
   * takes: an open page is never held up. Refreshes never overlap (one timer task, after the first).
   */
  private void apply(SortedSet<String> listed) {
    List<String> added;
    synchronized (this) {
      if (closed) {
        return;
      }
      for (String name : new ArrayList<>(shown.keySet())) {
        if (!listed.contains(name)) {
          shown.remove(name).unsubscribe();
          leaving.add(name);
        }
      }
      refused.retainAll(listed);
      added = listed.stream().filter(name -> !shown.containsKey(name) && !refused.contains(name)).toList();
    }
    for (String name : added) {
      ServiceView view;
      try {
        view = client.lookup(name, FIRST_LOAD_WAIT);
      } catch (IllegalArgumentException e) {
        synchronized (this) {
          refused.add(name);
        }
        log.warn("console: the registry lists '{}', which is not a service name; not shown ({})", name, e.getMessage());
        continue;
      }
      synchronized (this) {
        if (closed) {
          client.forgetIfUnused(name);
          return;
        }
        leaving.remove(name);
        shown.put(name, new Subscribed(view, view.subscribe(snapshot -> changed.run())));
      }
    }
  }

  /** Caller holds this: gives back every view of a service no longer listed that the client may now drop. */
  private void forgetLeaving() {
    leaving.removeIf(client::forgetIfUnused);
  }

  /** What to show now: one read of each view. */
  ConsoleState state() {
    List<ConsoleState.Service> services = new ArrayList<>();
    List<CriticalCheck> checksNow = critical;
    synchronized (this) {
      shown.forEach((name, s) -> services.add(new ConsoleState.Service(name, s.view.snapshot(),
          checksNow.stream().filter(c -> c.serviceName().toLowerCase(Locale.ROOT).equals(name)).toList())));
    }
    List<CriticalCheck> nodeChecks = checksNow.stream().filter(c -> c.serviceName().isEmpty()).toList();
    return new ConsoleState(registry, listingError, checks != null, checksError, nodeChecks, services);
  }

  /** The services shown and those still waiting to be forgotten; for tests. */
  synchronized Set<String> held() {
    Set<String> all = new HashSet<>(shown.keySet());
    all.addAll(leaving);
    return all;
  }

  /** Unsubscribes from every view and hands each back to the client. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      shown.forEach((name, s) -> {
        s.unsubscribe();
        leaving.add(name);
      });
      shown.clear();
      forgetLeaving();
      leaving.clear(); // what the client keeps (views not yet empty) ends with the client
    }
  }

  private record Subscribed(ServiceView view, Subscription subscription) {
    void unsubscribe() {
      subscription.close();
    }
  }
}
