package io.discovery.client.spi;

import io.discovery.client.ServiceInstance;
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

  /** The watch ended because of {@code error}; no more calls follow. */
  void onFailure(Throwable error);
}
