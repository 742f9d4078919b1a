package io.discovery.client;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands each event to a client's listeners in order; a failing listener is logged and skipped. */
final class Events {
  private static final Logger log = LoggerFactory.getLogger(Events.class);
  private final List<DiscoveryListener> listeners;

  Events(List<DiscoveryListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  void emit(DiscoveryEvent event) {
    for (DiscoveryListener listener : listeners) {
      try {
        listener.onEvent(event);
      } catch (RuntimeException e) {
        log.warn("a discovery listener failed on {}", event.getClass().getSimpleName(), e);
      }
    }
  }
}
