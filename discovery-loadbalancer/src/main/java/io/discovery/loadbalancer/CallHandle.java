package io.discovery.loadbalancer;

import io.discovery.client.ServiceInstance;

/** One call to a picked instance; close it exactly once when the call ends. */
public interface CallHandle extends AutoCloseable {

  /** The instance to call. */
  ServiceInstance instance();

  /** Ends the call: it no longer counts as in flight. Later calls of close do nothing. */
  @Override
  void close();
}
