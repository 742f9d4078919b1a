package io.discovery.loadbalancer;

import io.discovery.client.NoInstancesException;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import io.discovery.client.Snapshot;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Round-robin: one sequence shared by every picker of this balancer, so a snapshot change does not
 * restart it at the first instance; it starts at a random offset so that clients started together
 * do not all hit the same instance first.
 */
final class RoundRobinLoadBalancer extends PickerLoadBalancer<RoundRobinLoadBalancer.RoundRobinPicker> {
  private final AtomicInteger sequence = new AtomicInteger(ThreadLocalRandom.current().nextInt() & Integer.MAX_VALUE);

  RoundRobinLoadBalancer(ServiceView view) {
    super(view);
  }

  record RoundRobinPicker(Snapshot snapshot, ServiceInstance[] instances, CallHandle[] handles) implements Picker {
  }

  @Override
  RoundRobinPicker newPicker(Snapshot snapshot, RoundRobinPicker previous) {
    ServiceInstance[] instances = snapshot.instances().toArray(new ServiceInstance[0]);
    CallHandle[] handles = new CallHandle[instances.length];
    for (int i = 0; i < instances.length; i++) {
      handles[i] = new UncountedCall(instances[i]);
    }
    return new RoundRobinPicker(snapshot, instances, handles);
  }

  private int next(RoundRobinPicker p) {
    int n = p.instances().length;
    if (n == 0) {
      throw NoInstancesException.of(p.snapshot());
    }
    return (sequence.getAndIncrement() & Integer.MAX_VALUE) % n;
  }

  @Override
  public ServiceInstance pick() {
    RoundRobinPicker p = picker();
    return p.instances()[next(p)];
  }

  @Override
  public CallHandle begin() {
    RoundRobinPicker p = picker();
    return p.handles()[next(p)];
  }

  /** Round-robin counts nothing, so one stateless handle per instance serves every call. */
  private record UncountedCall(ServiceInstance instance) implements CallHandle {
    @Override
    public void close() {
    }
  }
}
