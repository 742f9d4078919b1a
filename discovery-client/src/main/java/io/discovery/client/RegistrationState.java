package io.discovery.client;

/** Lifecycle of a {@link Registration}. */
public enum RegistrationState {
  /** The first attempt to register is under way. */
  REGISTERING,
  /** Registered; the heartbeat keeps it alive. */
  REGISTERED,
  /** The registry is unreachable or lost the lease; the client registers again by itself with backoff. */
  RETRYING,
  /**
   * The registry refused the instance in a way retrying cannot fix (see
   * {@link Registration#failure()}); the client stopped trying. Close it and register again.
   */
  FAILED,
  /** Deregistered by {@link Registration#close()} or the client's close; never registered again. */
  CLOSED
}
