package io.discovery.client;

import java.time.Instant;
import java.util.List;

/**
 * The instances of one service at one moment: immutable, swapped whole when the registry changes.
 *
 * @param service   the service name
 * @param instances the instances, in a stable order (by id)
 * @param revision  the registry's revision this snapshot reflects (0 when unknown)
 * @param updatedAt when this client last heard from the registry about this service
 * @param stale     true while the registry is unreachable and this is the last known state
 */
public record Snapshot(String service, List<ServiceInstance> instances, long revision, Instant updatedAt, boolean stale) {

  public Snapshot {
    instances = List.copyOf(instances);
  }

  /** The same instances, marked stale. */
  public Snapshot asStale() {
    return stale ? this : new Snapshot(service, instances, revision, updatedAt, true);
  }

  /** True when no instance is known. */
  public boolean isEmpty() {
    return instances.isEmpty();
  }
}
