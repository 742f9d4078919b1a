package io.discovery.spring.boot;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * Registers this application at its web server's actual port once the server has started, and
 * deregisters it when the context closes, before the server's graceful shutdown stops taking
 * requests: callers stop sending while the server still answers, and the shutdown then drains
 * only the calls already in flight.
 */
public final class ServiceRegistrar implements SmartLifecycle {
  /**
   * Above the web server's graceful shutdown ({@link WebServerGracefulShutdownLifecycle#SMART_LIFECYCLE_PHASE})
   * and its start ({@code SMART_LIFECYCLE_PHASE - 1024}): started after the server listens, stopped before it
   * stops listening.
   */
  public static final int PHASE = WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE + 512;

  private static final Logger log = LoggerFactory.getLogger(ServiceRegistrar.class);

  private final DiscoveryClient client;
  private final ApplicationContext context;
  private final Supplier<LocalInstance> instance;
  private volatile Registration registration;
  private volatile boolean running;

  ServiceRegistrar(DiscoveryClient client, ApplicationContext context, Supplier<LocalInstance> instance) {
    this.client = client;
    this.context = context;
    this.instance = instance;
  }

  @Override
  public void start() {
    running = true;
    register();
  }

  @Override
  public void stop() {
    running = false;
    deregister();
  }

  /**
   * Registers this application at its web server's port, unless it is registered already; the
   * lifecycle calls this once the server listens, Spring Cloud's {@code ServiceRegistry} after a
   * {@link #deregister()}.
   *
   * @return the registration, or empty when no web server listens in this context or the context
   *     is stopping
   */
  synchronized Optional<Registration> register() {
    if (!running) {
      log.info("not registering: the context is stopping or stopped");
      return Optional.empty();
    }
    if (registration == null) {
      WebServer server = context instanceof WebServerApplicationContext web ? web.getWebServer() : null;
      if (server == null || server.getPort() <= 0) {
        log.info("no web server listening in this context: nothing to register (set discovery.register=false to say so)");
        return Optional.empty();
      }
      registration = client.register(instance.get().at(server.getPort()));
    }
    return Optional.of(registration);
  }

  /** Deregisters this application, if registered; {@link #register()} registers it again. */
  synchronized void deregister() {
    Registration open = registration;
    registration = null;
    if (open != null) {
      open.close();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /**
   * The registration of this application.
   *
   * @return it while registered (in any state but closed), else empty: before the web server starts,
   *     after the context closes or a {@code ServiceRegistry.deregister}, or without a web server
   */
  public Optional<Registration> registration() {
    return Optional.ofNullable(registration);
  }
}
