package io.discovery.loadbalancer;

import io.discovery.client.NoInstancesException;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import io.discovery.client.Snapshot;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The balancer behind every policy. On each pick it compares the view's snapshot with the one its
 * picker was built from (two volatile reads) and builds a new immutable picker when it changed, so
 * it needs no listener and nothing to close. Per-instance stats are kept by instance id, so counts,
 * latency and breakers survive snapshot changes for instances that stay.
 */
final class DefaultLoadBalancer implements LoadBalancer {
  private static final int ATTEMPTS = 4;
  /** The share of its traffic a slow-starting instance gets at first. */
  private static final double MIN_SLOW_START_SHARE = 0.1;

  private final ServiceView view;
  private final Policy policy;
  private final Object policyState;
  private final String zone;
  private final int minHealthyInZone;
  private final long slowStartNanos;
  private final CircuitBreakerRegistry breakers;
  private final double panicShare;
  private final Listener listener;
  private final LongSupplier ticker;
  private final double decayNanos;
  private final boolean filtering;
  /** Whether calls need their start time: for latency-aware policies and breakers (a clock read costs ~20 ns). */
  private final boolean timed;
  /** Whether a pick reads the clock: for timed calls and slow start; read once and shared. */
  private final boolean clocked;
  private final ConcurrentHashMap<String, InstanceStats> stats = new ConcurrentHashMap<>();
  private final AtomicInteger ejected = new AtomicInteger();
  private final AtomicInteger ejectedInZone = new AtomicInteger();
  private final AtomicBoolean panic = new AtomicBoolean();
  private volatile Picker picker;

  /** Everything a pick needs for one snapshot; immutable. */
  private record Picker(Snapshot snapshot, Candidates all, Chooser allChooser, Candidates local, Chooser localChooser) {
    /** Whether to stay in the local zone: it exists and enough of it is not ejected. */
    boolean local(int ejectedLocal, int minHealthy) {
      return local != null && local.size() - ejectedLocal >= minHealthy;
    }
  }

  DefaultLoadBalancer(LoadBalancer.Builder b) {
    this.view = b.view;
    this.policy = b.policy;
    this.policyState = b.policy.newState();
    this.zone = b.zone;
    this.minHealthyInZone = b.minHealthyInZone;
    this.slowStartNanos = b.slowStart == null ? 0 : b.slowStart.toNanos();
    this.breakers = b.breakers;
    this.panicShare = b.panicShare;
    this.listener = b.listener;
    this.ticker = b.ticker;
    this.decayNanos = b.policy.decayNanos();
    this.filtering = breakers != null || slowStartNanos > 0;
    this.timed = breakers != null || b.policy.usesLatency();
    this.clocked = timed || slowStartNanos > 0;
  }

  @Override
  public ServiceView view() {
    return view;
  }

  @Override
  public ServiceInstance pick() {
    if (!filtering) {
      // The common case, kept short: one snapshot check and one choice.
      Picker p = picker();
      long now = now();
      if (p.local(ejectedInZone.get(), minHealthyInZone)) {
        return p.local().instances[p.localChooser().choose(0L, 0, now)];
      }
      if (p.all().size() == 0) {
        throw NoInstancesException.of(p.snapshot());
      }
      return p.all().instances[p.allChooser().choose(0L, 0, now)];
    }
    return choose(0L, false, now()).instance;
  }

  @Override
  public ServiceInstance pick(String key) {
    return choose(Hashing.hash(key) | 1, false, now()).instance;
  }

  @Override
  public CallHandle begin() {
    long now = now();
    return start(choose(0L, true, now), now);
  }

  @Override
  public CallHandle begin(String key) {
    long now = now();
    return start(choose(Hashing.hash(key) | 1, true, now), now);
  }

  /** The clock, read once per pick, only when something uses it. */
  private long now() {
    return clocked ? ticker.getAsLong() : 0;
  }

  private CallHandle start(InstanceStats chosen, long now) {
    chosen.callStarted();
    return new Call(chosen, now, chosen.breaker != null && chosen.breaker.getState() != CircuitBreaker.State.CLOSED);
  }

  private Picker picker() {
    Snapshot current = view.snapshot();
    Picker p = picker;
    return p != null && p.snapshot() == current ? p : rebuild(current);
  }

  private InstanceStats choose(long keyHash, boolean probe, long now) {
    Picker p = picker();
    Candidates candidates = p.all();
    Chooser chooser = p.allChooser();
    if (candidates.size() == 0) {
      throw NoInstancesException.of(p.snapshot());
    }
    if (p.local(ejectedInZone.get(), minHealthyInZone)) {
      candidates = p.local();
      chooser = p.localChooser();
    }
    if (!filtering) {
      return candidates.stats[chooser.choose(keyHash, 0, now)];
    }
    boolean ignoreEjection = breakers == null || panicking(p.all().size());
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      InstanceStats s = candidates.stats[chooser.choose(keyHash, attempt, now)];
      if ((ignoreEjection || usable(s, probe)) && warmEnough(s, now)) {
        return s;
      }
    }
    // Unlucky draws: take any usable candidate, scanning from a random start.
    int n = candidates.size();
    int start = ThreadLocalRandom.current().nextInt(n);
    for (int k = 0; k < n; k++) {
      InstanceStats s = candidates.stats[(start + k) % n];
      if (ignoreEjection || usable(s, probe)) {
        return s;
      }
    }
    return candidates.stats[chooser.choose(keyHash, 0, now)];
  }

  private static boolean usable(InstanceStats s, boolean probe) {
    if (probe) {
      return s.available();
    }
    return s.breaker == null || s.breaker.getState() == CircuitBreaker.State.CLOSED;
  }

  private boolean warmEnough(InstanceStats s, long now) {
    if (slowStartNanos == 0) {
      return true;
    }
    double share = (double) (now - s.firstSeenNanos) / slowStartNanos;
    return share >= 1 || ThreadLocalRandom.current().nextDouble() < Math.max(MIN_SLOW_START_SHARE, share);
  }

  private boolean panicking(int total) {
    int out = ejected.get();
    boolean now = out > 0 && (out >= total || out > panicShare * total);
    if (now != panic.get() && panic.compareAndSet(!now, now)) {
      if (now) {
        listener.panicStarted(view.service(), out, total);
      } else {
        listener.panicEnded(view.service());
      }
    }
    return now;
  }

  /** Builds the picker for {@code snapshot}; serialized so that stats are created and retired once. */
  private synchronized Picker rebuild(Snapshot snapshot) {
    Picker existing = picker;
    if (existing != null && existing.snapshot() == snapshot) {
      return existing;
    }
    boolean first = existing == null;
    long now = ticker.getAsLong();
    List<ServiceInstance> instances = snapshot.instances();
    InstanceStats[] all = new InstanceStats[instances.size()];
    Set<String> ids = new HashSet<>();
    List<Integer> localIndexes = new ArrayList<>();
    for (int i = 0; i < all.length; i++) {
      ServiceInstance instance = instances.get(i);
      ids.add(instance.id());
      // Instances present when the balancer starts are warm; later ones slow-start from now.
      long seen = first ? now - slowStartNanos : now;
      all[i] = stats.computeIfAbsent(instance.id(), id -> newStats(instance, seen));
      if (zone != null && zone.equals(instance.zone())) {
        localIndexes.add(i);
      }
    }
    stats.values().removeIf(s -> {
      if (ids.contains(s.instance.id())) {
        return false;
      }
      retire(s);
      return true;
    });
    Candidates everyone = new Candidates(instances.toArray(new ServiceInstance[0]), all);
    Candidates local = null;
    Chooser localChooser = null;
    if (!localIndexes.isEmpty() && localIndexes.size() < all.length) {
      ServiceInstance[] li = new ServiceInstance[localIndexes.size()];
      InstanceStats[] ls = new InstanceStats[localIndexes.size()];
      for (int k = 0; k < li.length; k++) {
        li[k] = everyone.instances[localIndexes.get(k)];
        ls[k] = all[localIndexes.get(k)];
      }
      local = new Candidates(li, ls);
      localChooser = policy.chooser(local, policyState);
    }
    Chooser chooser = all.length == 0 ? (key, attempt, clock) -> 0 : policy.chooser(everyone, policyState);
    Picker built = new Picker(snapshot, everyone, chooser, local, localChooser);
    picker = built;
    return built;
  }

  private InstanceStats newStats(ServiceInstance instance, long firstSeen) {
    CircuitBreaker breaker = breakers == null ? null : breakers.circuitBreaker(view.service() + "/" + instance.id());
    InstanceStats s = new InstanceStats(instance, firstSeen, breaker);
    if (breaker != null) {
      breaker.getEventPublisher().onStateTransition(event -> {
        boolean out = ejecting(event.getStateTransition().getToState());
        int delta = s.setEjected(out);
        countEjected(instance, delta);
        if (delta != 0) {
          if (out) {
            listener.ejected(instance);
          } else {
            listener.restored(instance);
          }
        }
      });
      countEjected(instance, s.setEjected(ejecting(breaker.getState())));
    }
    return s;
  }

  /** Whether a breaker in {@code state} takes its instance out of normal picks. */
  private static boolean ejecting(CircuitBreaker.State state) {
    return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN || state == CircuitBreaker.State.HALF_OPEN;
  }

  /** Adds {@code delta} (+1, -1 or 0) to the ejected counts that {@code instance} belongs to. */
  private void countEjected(ServiceInstance instance, int delta) {
    if (delta != 0) {
      ejected.addAndGet(delta);
      if (zone != null && zone.equals(instance.zone())) {
        ejectedInZone.addAndGet(delta);
      }
    }
  }

  private void retire(InstanceStats s) {
    countEjected(s.instance, s.retire());
    if (s.breaker != null) {
      breakers.remove(s.breaker.getName());
    }
  }

  /** In-flight calls of {@code id}, or 0 if unknown; for tests. */
  int inFlight(String id) {
    InstanceStats s = stats.get(id);
    return s == null ? 0 : s.inFlight();
  }

  /** Whether picks currently ignore ejection; for tests. */
  boolean inPanic() {
    return panic.get();
  }

  private final class Call implements CallHandle {
    private final InstanceStats stats;
    private final long startNanos;
    private final boolean holdsPermission;
    private boolean reported;
    private boolean closed;

    Call(InstanceStats stats, long startNanos, boolean holdsPermission) {
      this.stats = stats;
      this.startNanos = startNanos;
      this.holdsPermission = holdsPermission;
    }

    @Override
    public ServiceInstance instance() {
      return stats.instance;
    }

    @Override
    public void succeeded() {
      if (!reported && timed) {
        reported = true;
        long now = ticker.getAsLong();
        long rtt = now - startNanos;
        stats.observe(rtt, now, decayNanos);
        if (stats.breaker != null) {
          stats.breaker.onSuccess(rtt, TimeUnit.NANOSECONDS);
        }
      }
    }

    @Override
    public void failed(Throwable error) {
      if (!reported && timed) {
        reported = true;
        long now = ticker.getAsLong();
        long rtt = now - startNanos;
        stats.observeFailure(rtt, now, decayNanos);
        if (stats.breaker != null) {
          stats.breaker.onError(rtt, TimeUnit.NANOSECONDS, error);
        }
      }
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        stats.callEnded();
        if (!reported && holdsPermission) {
          stats.breaker.releasePermission();
        }
      }
    }
  }
}
