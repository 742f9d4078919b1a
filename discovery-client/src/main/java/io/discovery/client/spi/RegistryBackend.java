package io.discovery.client.spi;

import io.discovery.client.ServiceInstance;
import java.time.Duration;

/**
 * What a registry must do for a {@code DiscoveryClient}. Calls may block on the network; the client
 * makes them from its own scheduler threads and owns retries, backoff and heartbeat cadence, so a
 * backend makes one attempt per call and reports failure by exception.
 *
 * <p>Failures: {@link io.discovery.client.RegistryUnavailableException} when the registry cannot be
 * reached or fails; {@link LeaseLostException} when it no longer holds a lease.
 */
public interface RegistryBackend extends AutoCloseable {

  /**
   * Refuses, at once and for good, an instance this registry can never hold: an
   * {@link IllegalArgumentException} naming the bad value, or {@link UnsupportedOperationException}
   * from a read-only registry. Called by {@code register} before anything is sent. The default
   * accepts every instance.
   *
   * @param instance the instance about to be registered
   */
  default void validate(ServiceInstance instance) {
  }

  /**
   * Registers {@code instance} so that it vanishes unless renewed within {@code ttl}.
   *
   * @param instance the instance, already {@link #validate validated}
   * @param ttl      how long the registry keeps it without a renewal
   * @return the lease to renew and deregister
   * @throws io.discovery.client.RegistrationRejectedException if the registry refuses it for good
   */
  Lease register(ServiceInstance instance, Duration ttl);

  /**
   * Replaces the instance registered under {@code lease} with {@code changed} (same service and id,
   * other metadata), keeping it registered under the same lease or session; throws
   * {@link LeaseLostException} if the lease is gone. The default cannot.
   *
   * @param lease   a lease from {@link #register}
   * @param changed what the registry should hold instead
   * @param ttl     the TTL it was registered with
   * @return the lease to renew and deregister from now on
   */
  default Lease update(Lease lease, ServiceInstance changed, Duration ttl) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot change a registered instance");
  }

  /**
   * Keeps {@code lease} alive for another TTL.
   *
   * @param lease a lease from {@link #register} or {@link #update}
   * @throws LeaseLostException if the registry no longer holds it
   */
  void renew(Lease lease);

  /**
   * Removes the instance of {@code lease} now; succeeds if it is already gone.
   *
   * @param lease a lease from {@link #register} or {@link #update}
   */
  void deregister(Lease lease);

  /**
   * Starts watching {@code service}: the listener gets the whole instance list first and after
   * every change, until the watch fails (then {@link WatchListener#onFailure} is called once and the
   * watch is over) or the handle is closed. No change may be lost between the first list and the
   * changes after it. Must not block on the network.
   *
   * @param service  the service name, lower case
   * @param listener gets the lists, the changes and the failure, on a thread of the backend
   * @return the handle whose {@code close()} ends the watch
   */
  WatchHandle watch(String service, WatchListener listener);

  /**
   * The names of the services that have at least one instance registered now, sorted: for tools
   * that show the whole registry. One call to the registry, made on the caller's thread.
   *
   * @return the service names, sorted
   * @throws UnsupportedOperationException from a registry that cannot list its services (DNS)
   */
  default java.util.SortedSet<String> services() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot list the services of its registry");
  }

  /** Releases connections and threads; does not deregister anything. Idempotent. */
  @Override
  void close();
}
