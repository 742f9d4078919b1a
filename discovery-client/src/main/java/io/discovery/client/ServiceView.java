package io.discovery.client;

import java.util.List;
import java.util.function.Consumer;

/**
 * The cached, push-updated view of one service. Reads never block and never call the registry;
 * while the registry is unreachable the last snapshot stays in use, marked {@link Snapshot#stale()}.
 */
public interface ServiceView {

  /**
   * The service this view follows.
   *
   * @return the service name, in lower case
   */
  String service();

  /**
   * The current snapshot: one volatile read.
   *
   * @return the latest snapshot, never null; empty and not loaded until the registry first answers
   */
  Snapshot snapshot();

  /**
   * The current instances; shorthand for {@code snapshot().instances()}.
   *
   * @return an immutable list, empty when none is known
   */
  default List<ServiceInstance> instances() {
    return snapshot().instances();
  }

  /**
   * Calls {@code listener} with the current snapshot now and with every new one after, on the thread
   * that received the change: keep it short.
   *
   * @param listener called with each snapshot; what it throws on a change is logged, what it throws
   *     on the first call (with the current snapshot) propagates from this method, which then leaves
   *     it unsubscribed
   * @return a handle whose {@code close()} removes the listener
   */
  Subscription subscribe(Consumer<Snapshot> listener);
}
