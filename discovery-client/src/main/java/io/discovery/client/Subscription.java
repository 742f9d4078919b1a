package io.discovery.client;

/** A listener's place on a {@link ServiceView} or {@link DiscoveryClient}: closing it stops the calls. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {

  /** Stops calling the listener; idempotent, and throws nothing. */
  @Override
  void close();
}
