package io.discovery.loadbalancer;

import io.discovery.client.NoInstancesException;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import io.discovery.client.Snapshot;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The balancer behind every policy. It subscribes to its view and builds an immutable picker for
 * each new snapshot on the thread that publishes it (as grpc-java's pickers are built on address
 * updates), so a pick only reads one volatile field: it never builds, locks or waits. The
 * subscription holds the balancer weakly: a balancer nobody references is collected, and its
 * listener leaves the view on the next change. Per-instance stats are kept by id and address, so
 * counts, latency and breakers survive snapshot changes only for the same id at the same address.
 */
final class DefaultLoadBalancer implements LoadBalancer {
  private static final int ATTEMPTS = 4;
  /** The share of its traffic a slow-starting instance gets at first. */
  private static final double MIN_SLOW_START_SHARE = 0.1;
  /** In a choice, the low bit says the pick took a half-open breaker's permission; the rest is the index. */
  private static final int PERMIT = 1;

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
  private final Supplier<RandomGenerator> random;
  private final double decayNanos;
  private final double failurePenalty;
  private final boolean filtering;
  /** Whether calls need their start time: for latency-aware policies and breakers (a clock read costs ~20 ns). */
  private final boolean timed;
  /** Whether a pick reads the clock: for timed calls and slow start; read once and shared. */
  private final boolean clocked;
  /** Guarded by this (the rebuild lock); keyed by {@link #identity}. */
  private final Map<String, InstanceStats> stats = new HashMap<>();
  private final AtomicInteger ejected = new AtomicInteger();
  private final AtomicInteger ejectedInZone = new AtomicInteger();
  private final AtomicBoolean panic = new AtomicBoolean();
  /** Striped, so that threads picking at once do not contend on one counter. */
  private final LongAdder picks = new LongAdder();
  private final Subscription subscription;
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
    this.random = b.random;
    this.policyState = b.policy.newState(random);
    this.zone = b.zone;
    this.minHealthyInZone = b.minHealthyInZone;
    this.slowStartNanos = b.slowStart == null ? 0 : b.slowStart.toNanos();
    this.breakers = b.breakers;
    this.panicShare = b.panicShare;
    this.listener = b.listener;
    this.ticker = b.ticker;
    this.decayNanos = b.policy.decayNanos();
    this.failurePenalty = b.policy.failurePenalty();
    this.filtering = breakers != null || slowStartNanos > 0;
    this.timed = breakers != null || b.policy.usesLatency();
    this.clocked = timed || slowStartNanos > 0;
    this.subscription = new Subscription(this);
    subscription.start(view);
    if (picker == null) {
      rebuild(view.snapshot()); // a view that does not replay its current snapshot on subscribe
    }
  }

  /** The name of {@code instance}'s breaker in the registry given to {@link LoadBalancer.Builder#outlierEjection}. */
  static String breakerName(String service, ServiceInstance instance) {
    return service + "/" + identity(instance);
  }

  /** What stats are kept by: the id and the address, so that nothing carries over to a moved instance. */
  private static String identity(ServiceInstance instance) {
    return instance.id() + "@" + (instance.secure() ? "https://" : "") + instance.hostPort();
  }

  @Override
  public ServiceView view() {
    return view;
  }

  @Override
  public Stats stats() {
    int inFlight = 0;
    for (InstanceStats s : picker.all().stats) {
      inFlight += s.inFlight();
    }
    return new Stats(picks.sum(), inFlight, ejected.get(), panic.get());
  }

  @Override
  public ServiceInstance pick() {
    return pickOne(0L);
  }

  @Override
  public ServiceInstance pick(String key) {
    return pickOne(Hashing.hash(key) | 1);
  }

  @Override
  public CallHandle begin() {
    return begin(0L);
  }

  @Override
  public CallHandle begin(String key) {
    return begin(Hashing.hash(key) | 1);
  }

  private ServiceInstance pickOne(long keyHash) {
    Picker p = picker;
    Candidates c = candidates(p);
    long now = now();
    int choice = choose(p, c, keyHash, false, now);
    picks.increment();
    return c.instances[choice >>> 1];
  }

  private CallHandle begin(long keyHash) {
    Picker p = picker;
    Candidates c = candidates(p);
    long now = now();
    int choice = choose(p, c, keyHash, true, now);
    InstanceStats chosen = c.stats[choice >>> 1];
    chosen.callStarted();
    picks.increment();
    return new Call(chosen, c.instances[choice >>> 1], now, (choice & PERMIT) != 0);
  }

  /** The clock, read once per pick, only when something uses it. */
  private long now() {
    return clocked ? ticker.getAsLong() : 0;
  }

  /** The local zone's candidates while it has enough healthy instances, else all; never empty. */
  private Candidates candidates(Picker p) {
    if (p.all().size() == 0) {
      throw NoInstancesException.of(p.snapshot());
    }
    return p.local(ejectedInZone.get(), minHealthyInZone) ? p.local() : p.all();
  }

  /**
   * The index of the chosen candidate in {@code c}, shifted left by one, with {@link #PERMIT} set
   * when the choice took a half-open breaker's permission (which the call then owes back).
   */
  private int choose(Picker p, Candidates c, long keyHash, boolean probe, long now) {
    Chooser chooser = c == p.local() ? p.localChooser() : p.allChooser();
    if (!filtering) {
      return chooser.choose(keyHash, 0, now) << 1;
    }
    boolean ignoreEjection = breakers == null || panicking(p.all().size());
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int i = chooser.choose(keyHash, attempt, now);
      // Slow start first: a permission is taken only for an instance that will get the call.
      if (warmEnough(c.stats[i], now)) {
        int admitted = ignoreEjection ? 0 : admit(c.stats[i], probe);
        if (admitted >= 0) {
          return i << 1 | admitted;
        }
      }
    }
    // Unlucky draws: take any admitted candidate, scanning from a random start.
    int n = c.size();
    int start = random.get().nextInt(n);
    for (int k = 0; k < n; k++) {
      int i = (start + k) % n;
      int admitted = ignoreEjection ? 0 : admit(c.stats[i], probe);
      if (admitted >= 0) {
        return i << 1 | admitted;
      }
    }
    return chooser.choose(keyHash, 0, now) << 1;
  }

  /**
   * Whether {@code s} may get a call: -1 no; 0 yes (no breaker, or one that does not eject: CLOSED,
   * DISABLED, METRICS_ONLY); {@link #PERMIT} yes, as a probe holding the breaker's permission, which
   * only calls that report back ({@code probe}) take.
   */
  private static int admit(InstanceStats s, boolean probe) {
    if (s.breaker == null || !ejecting(s.breaker.getState())) {
      return 0;
    }
    return probe && s.breaker.tryAcquirePermission() ? PERMIT : -1;
  }

  private boolean warmEnough(InstanceStats s, long now) {
    if (slowStartNanos == 0) {
      return true;
    }
    double share = (double) (now - s.firstSeenNanos) / slowStartNanos;
    return share >= 1 || random.get().nextDouble() < Math.max(MIN_SLOW_START_SHARE, share);
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

  /** Builds and publishes the picker for {@code snapshot}; serialized so that stats are created and retired once. */
  private synchronized void rebuild(Snapshot snapshot) {
    // Until the registry has answered, there is nothing to slow-start against: its first list is warm.
    boolean first = picker == null || !picker.snapshot().loaded();
    long now = ticker.getAsLong();
    List<ServiceInstance> instances = snapshot.instances();
    ServiceInstance[] everyInstance = instances.toArray(new ServiceInstance[0]);
    InstanceStats[] all = new InstanceStats[everyInstance.length];
    Set<String> current = new HashSet<>();
    int locals = 0;
    for (int i = 0; i < all.length; i++) {
      ServiceInstance instance = everyInstance[i];
      String key = identity(instance);
      current.add(key);
      // Instances present when the balancer starts are warm; later ones slow-start from now.
      long seen = first ? now - slowStartNanos : now;
      all[i] = stats.computeIfAbsent(key, k -> newStats(instance, seen));
      if (zone != null && zone.equals(instance.zone())) {
        locals++;
      }
    }
    stats.entrySet().removeIf(e -> {
      if (current.contains(e.getKey())) {
        return false;
      }
      retire(e.getValue());
      return true;
    });
    Candidates everyone = new Candidates(everyInstance, all);
    Candidates local = null;
    Chooser localChooser = null;
    if (locals > 0 && locals < all.length) {
      ServiceInstance[] li = new ServiceInstance[locals];
      InstanceStats[] ls = new InstanceStats[locals];
      for (int i = 0, k = 0; i < all.length; i++) {
        if (zone.equals(everyInstance[i].zone())) {
          li[k] = everyInstance[i];
          ls[k++] = all[i];
        }
      }
      local = new Candidates(li, ls);
      localChooser = policy.chooser(local, policyState, random);
    }
    Chooser chooser = all.length == 0 ? (key, attempt, clock) -> 0 : policy.chooser(everyone, policyState, random);
    picker = new Picker(snapshot, everyone, chooser, local, localChooser);
  }

  /** Stops following the view; for owners that drop the balancer before the collector would. */
  void close() {
    subscription.close();
  }

  private InstanceStats newStats(ServiceInstance instance, long firstSeen) {
    CircuitBreaker breaker = breakers == null ? null : breakers.circuitBreaker(breakerName(view.service(), instance));
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

  /** In-flight calls of {@code instance} (same id and address), or 0 if unknown; for tests. */
  synchronized int inFlight(ServiceInstance instance) {
    InstanceStats s = stats.get(identity(instance));
    return s == null ? 0 : s.inFlight();
  }

  /** Whether picks currently ignore ejection; for tests. */
  boolean inPanic() {
    return panic.get();
  }

  private final class Call implements CallHandle {
    private final InstanceStats stats;
    private final ServiceInstance instance;
    private final long startNanos;
    /** Whether the pick took a half-open breaker's permission: given back on close unless an outcome used it. */
    private final boolean holdsPermission;
    private boolean reported;
    private boolean closed;

    Call(InstanceStats stats, ServiceInstance instance, long startNanos, boolean holdsPermission) {
      this.stats = stats;
      this.instance = instance;
      this.startNanos = startNanos;
      this.holdsPermission = holdsPermission;
    }

    @Override
    public ServiceInstance instance() {
      return instance;
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
        stats.observeFailure(rtt, now, decayNanos, failurePenalty);
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

  /**
   * The balancer's listener on its view. It holds the balancer weakly, so that the view does not
   * keep a dropped balancer alive; once the balancer is collected it unsubscribes on the next change.
   */
  private static final class Subscription implements Consumer<Snapshot> {
    private final WeakReference<DefaultLoadBalancer> balancer;
    private volatile AutoCloseable handle;
    private volatile boolean closed;

    Subscription(DefaultLoadBalancer balancer) {
      this.balancer = new WeakReference<>(balancer);
    }

    void start(ServiceView view) {
      handle = view.subscribe(this);
      if (closed) {
        close();
      }
    }

    @Override
    public void accept(Snapshot snapshot) {
      DefaultLoadBalancer lb = balancer.get();
      if (lb == null || closed) {
        close();
      } else {
        lb.rebuild(snapshot);
      }
    }

    void close() {
      closed = true;
      AutoCloseable h = handle;
      if (h != null) {
        try {
          h.close();
        } catch (Exception e) {
          throw new IllegalStateException("could not unsubscribe from the view", e);
        }
      }
    }
  }
}
