package io.discovery.client;

import java.time.Duration;
import java.util.Optional;

/**
 * One instance registered by a {@link DiscoveryClient}. The client keeps it registered (heartbeat,
 * re-registration after a lost lease) until {@link #close()} deregisters it.
 */
public interface Registration extends AutoCloseable {

  /**
   * The registered instance.
   *
   * @return the instance as given to {@code register}
   */
  ServiceInstance instance();

  /**
   * The current state.
   *
   * @return the state now; it may change on another thread right after
   */
  RegistrationState state();

  /**
   * Why the registry refused the instance for good.
   *
   * @return the refusal when the state is {@link RegistrationState#FAILED}, else empty
   */
  Optional<RegistrationRejectedException> failure();

  /**
   * Waits until the instance is registered, measuring {@code timeout} on the client's scheduler.
   *
   * @param timeout how long to wait at most
   * @return true if registered; false at once if the registration is closed or failed, or when the
   *     timeout passed
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  boolean awaitRegistered(Duration timeout) throws InterruptedException;

  /**
   * Takes the instance out of every view while it stays registered ({@code true}), or puts it back
   * ({@code false}), as Eureka's and Spring Cloud's OUT_OF_SERVICE status do: to drain an instance
   * before a deploy, or to park one that must not take traffic. The registry holds it as metadata
   * {@value ServiceInstance#STATUS}={@value ServiceInstance#OUT_OF_SERVICE}, which Spring Cloud
   * Zookeeper and Curator peers honour too. Written at once on the caller's thread; when the registry
   * cannot take it now, it is written with the next heartbeat, or with the next registration.
   *
   * @param outOfService true to leave callers' views, false to come back
   * @return true when the registry holds the new status now; false when it waits for the next
   *     heartbeat or registration (the registry unreachable, or not registered yet)
   */
  boolean setOutOfService(boolean outOfService);

  /**
   * Whether {@link #setOutOfService} last asked for the instance to be out of service.
   *
   * @return the status asked for, which the registry holds once written
   */
  boolean outOfService();

  /** Deregisters the instance; idempotent, and bounded by the client's shutdown timeout. */
  @Override
  void close();
}
