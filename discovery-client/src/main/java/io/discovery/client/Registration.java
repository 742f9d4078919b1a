package io.discovery.client;

import java.time.Duration;

/**
 * One instance registered by a {@link DiscoveryClient}. The client keeps it registered (heartbeat,
 * re-registration after a lost lease) until {@link #close()} deregisters it.
 */
public interface Registration extends AutoCloseable {

  /** The registered instance. */
  ServiceInstance instance();

  /** The current state. */
  RegistrationState state();

  /**
   * Waits until the instance is registered.
   *
   * @param timeout how long to wait at most
   * @return true if registered, false if the timeout passed or the registration is closed
   */
  boolean awaitRegistered(Duration timeout) throws InterruptedException;

  /** Deregisters the instance; idempotent, and bounded by the client's shutdown timeout. */
  @Override
  void close();
}
