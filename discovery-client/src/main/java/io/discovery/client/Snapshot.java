package io.discovery.client;

import java.time.Instant;
import java.util.List;

/**
 * The instances of one service at one moment: immutable, swapped whole when the registry changes.
 *
 * @param service   the service name
 * @param instances the instances, in a stable order (by id)
 * @param revision  the registry's revision this snapshot reflects (0 when unknown)
 * @param updatedAt when this client last heard from the registry about this service (for a view
 *                  that never loaded: when it started)
 * @param stale     true while the registry is unreachable and this is the last known state
 * @param loaded    false until the registry first answered for this service: the snapshot then
 *                  says nothing about what is registered
 * @param partial   true when the registry said it left out instances this client may not read
 *                  (Consul filters answers by ACL with a 200)
 */
public record Snapshot(String service, List<ServiceInstance> instances, long revision, Instant updatedAt, boolean stale,
                       boolean loaded, boolean partial) {

  public Snapshot {
    instances = List.copyOf(instances);
  }

  /** A snapshot of what the registry answered. */
  public Snapshot(String service, List<ServiceInstance> instances, long revision, Instant updatedAt, boolean stale) {
    this(service, instances, revision, updatedAt, stale, true, false);
  }

  /** The empty, stale snapshot of a view the registry has not answered for yet, started at {@code since}. */
  public static Snapshot notLoaded(String service, Instant since) {
    return new Snapshot(service, List.of(), 0, since, true, false, false);
  }

  /** The same instances, marked stale. */
  public Snapshot asStale() {
    return stale ? this : new Snapshot(service, instances, revision, updatedAt, true, loaded, partial);
  }

  /** True when no instance is known. */
  public boolean isEmpty() {
    return instances.isEmpty();
  }
}
