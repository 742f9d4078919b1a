package io.discovery.client.spi;

import io.discovery.client.ServiceInstance;
import java.util.Collection;
import java.util.List;

/** Receives what a {@link RegistryBackend#watch} sees. */
public interface WatchListener {

  /** The complete, current instance list of the service at registry revision {@code revision}. */
  void onInstances(List<ServiceInstance> instances, long revision);

  /**
   * {@link #onInstances(List, long)} for an answer the registry says it filtered: instances this
   * client's credentials may not read are missing ({@code partial}; Consul's ACL filtering).
   */
  default void onInstances(List<ServiceInstance> instances, long revision, boolean partial) {
    onInstances(instances, revision);
  }

  /**
   * What changed since the last delivery, for backends that see single changes (a watch event):
   * {@code upserted} instances are new or replace the instance with the same id, {@code removedIds}
   * are gone; each id appears once per call, in its state after all the changes. Only after a first {@link #onInstances(List, long)} of the same watch; costs the
   * listener the change, not the list.
   */
  void onChanges(Collection<ServiceInstance> upserted, Collection<String> removedIds, long revision);

  /** The watch ended because of {@code error}; no more calls follow. */
  void onFailure(Throwable error);
}
