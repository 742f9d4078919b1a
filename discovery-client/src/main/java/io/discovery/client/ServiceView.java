package io.discovery.client;

import java.util.List;
import java.util.function.Consumer;

/**
 * The cached, push-updated view of one service. Reads never block and never call the registry;
 * while the registry is unreachable the last snapshot stays in use, marked {@link Snapshot#stale()}.
 */
public interface ServiceView {

  /** The service name. */
  String service();

  /** The current snapshot: one volatile read. */
  Snapshot snapshot();

  /** The current instances; shorthand for {@code snapshot().instances()}. */
  default List<ServiceInstance> instances() {
    return snapshot().instances();
  }

  /**
   * Calls {@code listener} with the current snapshot now and with every new one after, on the thread
   * that received the change: keep it short.
   *
   * @return a handle whose {@code close()} removes the listener
   */
  AutoCloseable subscribe(Consumer<Snapshot> listener);
}
