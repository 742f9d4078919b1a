package io.discovery.loadbalancer;

import io.discovery.client.NoInstancesException;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import io.discovery.client.Snapshot;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Least-connection: exact minimum of in-flight calls over up to {@value #EXACT_LIMIT} instances,
 * scanned from a random start so that ties spread; power of two random choices above that, which
 * stays O(1) and avoids the herd that an exact minimum causes when many clients see the same counts.
 * In-flight counters are keyed by instance id and survive snapshot changes for instances that stay.
 */
final class LeastConnectionLoadBalancer extends PickerLoadBalancer<LeastConnectionLoadBalancer.LeastConnectionPicker> {
  static final int EXACT_LIMIT = 8;

  private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

  LeastConnectionLoadBalancer(ServiceView view) {
    super(view);
  }

  record LeastConnectionPicker(Snapshot snapshot, ServiceInstance[] instances, AtomicInteger[] counters) implements Picker {
  }

  @Override
  LeastConnectionPicker newPicker(Snapshot snapshot, LeastConnectionPicker previous) {
    ServiceInstance[] instances = snapshot.instances().toArray(new ServiceInstance[0]);
    AtomicInteger[] counters = new AtomicInteger[instances.length];
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < instances.length; i++) {
      counters[i] = inFlight.computeIfAbsent(instances[i].id(), id -> new AtomicInteger());
      ids.add(instances[i].id());
    }
    inFlight.keySet().retainAll(ids);
    return new LeastConnectionPicker(snapshot, instances, counters);
  }

  private static int choose(LeastConnectionPicker p) {
    AtomicInteger[] counters = p.counters();
    int n = counters.length;
    if (n == 0) {
      throw NoInstancesException.of(p.snapshot());
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (n <= EXACT_LIMIT) {
      int start = random.nextInt(n);
      int best = start;
      int bestCount = counters[start].get();
      for (int k = 1; k < n && bestCount > 0; k++) {
        int i = start + k;
        if (i >= n) {
          i -= n;
        }
        int c = counters[i].get();
        if (c < bestCount) {
          best = i;
          bestCount = c;
        }
      }
      return best;
    }
    int a = random.nextInt(n);
    int b = random.nextInt(n - 1);
    if (b >= a) {
      b++;
    }
    return counters[b].get() < counters[a].get() ? b : a;
  }

  @Override
  public ServiceInstance pick() {
    LeastConnectionPicker p = picker();
    return p.instances()[choose(p)];
  }

  @Override
  public CallHandle begin() {
    LeastConnectionPicker p = picker();
    int i = choose(p);
    AtomicInteger counter = p.counters()[i];
    counter.incrementAndGet();
    return new CountedCall(p.instances()[i], counter);
  }

  /** In-flight count of {@code id}, or 0 if unknown; for tests. */
  int inFlight(String id) {
    AtomicInteger counter = inFlight.get(id);
    return counter == null ? 0 : counter.get();
  }

  private static final class CountedCall implements CallHandle {
    private final ServiceInstance instance;
    private AtomicInteger counter;

    CountedCall(ServiceInstance instance, AtomicInteger counter) {
      this.instance = instance;
      this.counter = counter;
    }

    @Override
    public ServiceInstance instance() {
      return instance;
    }

    @Override
    public void close() {
      AtomicInteger c = counter;
      if (c != null) {
        counter = null;
        c.decrementAndGet();
      }
    }
  }
}
