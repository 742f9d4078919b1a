package io.discovery.client;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives a {@link DiscoveryClient}'s events, on the thread where each happened: keep it short and
 * do not block. What it throws is logged and does not reach the client.
 */
@FunctionalInterface
public interface DiscoveryListener {

  /**
   * Called once per event, in the order the client saw them.
   *
   * @param event the event, never null
   */
  void onEvent(DiscoveryEvent event);

  /**
   * The listener every client has unless {@code withoutLogging()} is set: one line per event through
   * SLF4J's {@code io.discovery.client.DiscoveryClient} logger, at the event's severity.
   *
   * @return the shared logging listener
   */
  static DiscoveryListener logging() {
    return Logging.INSTANCE;
  }

  /** The default listener; a singleton so that it can be recognised and left out. */
  final class Logging implements DiscoveryListener {
    static final Logging INSTANCE = new Logging();
    private static final Logger log = LoggerFactory.getLogger(DiscoveryClient.class);

    private Logging() {
    }

    @Override
    public void onEvent(DiscoveryEvent event) {
      switch (event.severity()) {
        case DEBUG -> log.debug("{}", event.message());
        case INFO -> log.info("{}", event.message());
        case WARN -> log.warn("{}", event.message());
        default -> log.error("{}", event.message());
      }
    }
  }
}
