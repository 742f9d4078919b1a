package io.discovery.client.spi;

import io.discovery.client.ServiceInstance;
import java.util.Collection;
import java.util.List;

/** Receives what a {@link RegistryBackend#watch} sees. */
public interface WatchListener {

  /**
   * The complete, current instance list of the service; it replaces whatever came before.
   *
   * @param instances every instance the registry holds for the service now
   * @param revision  the registry revision of the list, 0 when the registry has none
   */
  void onInstances(List<ServiceInstance> instances, long revision);

  /**
   * {@link #onInstances(List, long)} for an answer the registry says it filtered: instances this
   * client's credentials may not read are missing ({@code partial}; Consul's ACL filtering).
   * The default ignores {@code partial}.
   *
   * @param instances every instance the registry let this client see
   * @param revision  the registry revision of the list, 0 when the registry has none
   * @param partial   true when the registry left instances out
   */
  default void onInstances(List<ServiceInstance> instances, long revision, boolean partial) {
    onInstances(instances, revision);
  }

  /**
   * What changed since the last delivery, for backends that see single changes (a watch event):
   * {@code upserted} instances are new or replace the instance with the same id, {@code removedIds}
   * are gone; each id appears once per call, in its state after all the changes. Only after a first {@link #onInstances(List, long)} of the same watch; costs the
   * listener the change, not the list.
   *
   * @param upserted   instances added or replaced
   * @param removedIds ids of the instances removed
   * @param revision   the registry revision after the changes
   */
  void onChanges(Collection<ServiceInstance> upserted, Collection<String> removedIds, long revision);

  /**
   * The watch ended; no more calls follow, and the client starts a new watch with backoff.
   *
   * @param error why, typically a {@link io.discovery.client.RegistryUnavailableException}
   */
  void onFailure(Throwable error);
}
