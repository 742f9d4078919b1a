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
 *                  that never loaded: when it started; for a restored one: when the file was saved)
 * @param stale     true while this may not be what the registry holds now: it is unreachable, has
 *                  not answered yet, or the list is held or restored
 * @param loaded    false until the registry first answered for this service in this process
 * @param partial   true when the registry said it left out instances this client may not read
 *                  (Consul filters answers by ACL with a 200)
 * @param restored  true when the instances come from the last snapshot saved on disk, because the
 *                  registry has not answered since the process started; {@code updatedAt} is its age
 * @param held      true when the registry's latest answer would have removed too many instances at
 *                  once and the previous list is held instead, for a bounded time (the protect
 *                  threshold)
 */
public record Snapshot(String service, List<ServiceInstance> instances, long revision, Instant updatedAt, boolean stale,
                       boolean loaded, boolean partial, boolean restored, boolean held) {

  public Snapshot {
    instances = List.copyOf(instances);
  }

  /** A snapshot of what the registry answered. */
  public Snapshot(String service, List<ServiceInstance> instances, long revision, Instant updatedAt, boolean stale) {
    this(service, instances, revision, updatedAt, stale, true, false, false, false);
  }

  /** The empty, stale snapshot of a view the registry has not answered for yet, started at {@code since}. */
  public static Snapshot notLoaded(String service, Instant since) {
    return new Snapshot(service, List.of(), 0, since, true, false, false, false, false);
  }

  /** The same instances, marked stale. */
  public Snapshot asStale() {
    return stale ? this : new Snapshot(service, instances, revision, updatedAt, true, loaded, partial, restored, held);
  }

  /** The same instances, held (and so stale) in place of an answer that removed too many of them. */
  public Snapshot asHeld() {
    return held ? this : new Snapshot(service, instances, revision, updatedAt, true, loaded, partial, restored, true);
  }

  /** True when no instance is known. */
  public boolean isEmpty() {
    return instances.isEmpty();
  }
}
