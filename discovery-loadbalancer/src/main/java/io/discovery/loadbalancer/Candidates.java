package io.discovery.loadbalancer;

import io.discovery.client.ServiceInstance;

/** The instances a picker chooses among, with their stats, in the snapshot's order. Immutable. */
final class Candidates {
  final ServiceInstance[] instances;
  final InstanceStats[] stats;

  Candidates(ServiceInstance[] instances, InstanceStats[] stats) {
    this.instances = instances;
    this.stats = stats;
  }

  int size() {
    return instances.length;
  }
}
