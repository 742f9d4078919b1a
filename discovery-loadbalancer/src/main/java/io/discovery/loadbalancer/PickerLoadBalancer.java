package io.discovery.loadbalancer;

import io.discovery.client.ServiceView;
import io.discovery.client.Snapshot;

/**
 * Holds an immutable picker built from the view's current snapshot and builds a new one when the
 * snapshot changes, checked on each pick by reference (two volatile reads, no listener to remove).
 * Threads racing to build pickers for the same snapshot build equal ones; the last write wins.
 */
abstract class PickerLoadBalancer<P extends PickerLoadBalancer.Picker> implements LoadBalancer {
  private final ServiceView view;
  private volatile P picker;

  /** An immutable picker for one snapshot. */
  interface Picker {
    Snapshot snapshot();
  }

  PickerLoadBalancer(ServiceView view) {
    this.view = view;
  }

  /** A picker for {@code snapshot}; {@code previous} is the one it replaces, or null. */
  abstract P newPicker(Snapshot snapshot, P previous);

  final P picker() {
    Snapshot current = view.snapshot();
    P p = picker;
    if (p == null || p.snapshot() != current) {
      p = newPicker(current, p);
      picker = p;
    }
    return p;
  }

  @Override
  public final ServiceView view() {
    return view;
  }
}
