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

  /**
   * Copies {@code instances}; the other components are taken as they are.
   *
   * @param service   the service name
   * @param instances the instances, not null and without null elements; copied
   * @param revision  the registry's revision, 0 when unknown
   * @param updatedAt when this client last heard from the registry about this service
   * @param stale     whether this may not be what the registry holds now
   * @param loaded    whether the registry has answered for this service in this process
   * @param partial   whether the registry left out instances this client may not read
   * @param restored  whether the instances come from a snapshot file
   * @param held      whether the protect threshold holds this list in place of a newer answer
   */
  public Snapshot {
    instances = List.copyOf(instances);
  }

  /**
   * A snapshot of what the registry answered: loaded, complete, neither restored nor held.
   *
   * @param service   the service name
   * @param instances the instances, not null; copied
   * @param revision  the registry's revision, 0 when unknown
   * @param updatedAt when the registry answered
   * @param stale     whether this may not be what the registry holds now
   */
  public Snapshot(String service, List<ServiceInstance> instances, long revision, Instant updatedAt, boolean stale) {
    this(service, instances, revision, updatedAt, stale, true, false, false, false);
  }

  /**
   * The empty, stale snapshot of a view the registry has not answered for yet.
   *
   * @param service the service name
   * @param since   when the view started; becomes {@link #updatedAt()}
   * @return an empty snapshot, stale and not loaded, at revision 0
   */
  public static Snapshot notLoaded(String service, Instant since) {
    return new Snapshot(service, List.of(), 0, since, true, false, false, false, false);
  }

  /**
   * The same instances, marked stale.
   *
   * @return this snapshot if it is stale already, else a stale copy
   */
  public Snapshot asStale() {
    return stale ? this : new Snapshot(service, instances, revision, updatedAt, true, loaded, partial, restored, held);
  }

  /**
   * The same instances, held (and so stale) in place of an answer that removed too many of them.
   *
   * @return this snapshot if it is held already, else a held and stale copy
   */
  public Snapshot asHeld() {
    return held ? this : new Snapshot(service, instances, revision, updatedAt, true, loaded, partial, restored, true);
  }

  /**
   * Whether no instance is known; an empty snapshot may also be stale or not loaded yet.
   *
   * @return true when {@link #instances()} is empty
   */
  public boolean isEmpty() {
    return instances.isEmpty();
  }
}
