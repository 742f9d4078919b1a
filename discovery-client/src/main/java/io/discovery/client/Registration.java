package io.discovery.client;

import java.time.Duration;
import java.util.Optional;

/**
 * One instance registered by a {@link DiscoveryClient}. The client keeps it registered (heartbeat,
 * re-registration after a lost lease) until {@link #close()} deregisters it.
 */
public interface Registration extends AutoCloseable {

  /** The registered instance. */
  ServiceInstance instance();

  /** The current state. */
  RegistrationState state();

  /** Why the registry refused the instance for good, when the state is {@link RegistrationState#FAILED}. */
  Optional<RegistrationRejectedException> failure();

  /**
   * Waits until the instance is registered, measuring {@code timeout} on the client's scheduler.
   *
   * @param timeout how long to wait at most
   * @return true if registered; false at once if the registration is closed or failed, or when the
   *     timeout passed
   */
  boolean awaitRegistered(Duration timeout) throws InterruptedException;

  /** Deregisters the instance; idempotent, and bounded by the client's shutdown timeout. */
  @Override
  void close();
}
