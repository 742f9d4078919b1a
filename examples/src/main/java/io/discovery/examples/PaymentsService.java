package io.discovery.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.discovery.client.DiscoveryClient;
import io.discovery.client.DiscoveryEvent;
import io.discovery.client.Registration;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * A tiny HTTP service that registers itself, as a real service does in its main. {@code GET /slow?ms=N}
 * makes every later request take N ms more (the demo's way to make one instance slow).
 */
final class PaymentsService implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService handlers;
  private final DiscoveryClient discovery;
  private final Registration registration;
  private volatile long delayNanos;

  /** Serves on {@code port} (0 for any) and registers as {@code service}; the client's shutdown hook deregisters. */
  PaymentsService(String service, String registryUri, int port, Duration ttl) throws IOException {
    // The JDK's HTTP server leaves Nagle's algorithm on, which adds ~40 ms to small keep-alive responses.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    handlers = Executors.newFixedThreadPool(16, r -> {
      Thread t = new Thread(r, service + "-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(handlers);
    server.createContext("/slow", exchange -> {
      String query = exchange.getRequestURI().getQuery();
      delayNanos = Long.parseLong(query == null ? "0" : query.replace("ms=", "")) * 1_000_000;
      respond(exchange, "delay set\n");
    });
    server.createContext("/", exchange -> {
      long delay = delayNanos;
      if (delay > 0) {
        LockSupport.parkNanos(delay); // simulated work
      }
      respond(exchange, "ok from " + address() + "\n");
    });
    server.start();
    discovery = DiscoveryClient.builder().registry(registryUri).ttl(ttl).listener(event -> {
      if (event instanceof DiscoveryEvent.Deregistered gone) {
        System.out.println(gone.instance().service() + " deregistered from " + registryUri + " at " + address());
        System.out.flush();
      }
    }).build();
    registration = discovery.register(service, address());
  }

  private static void respond(HttpExchange exchange, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  Registration registration() {
    return registration;
  }

  /** Graceful stop: deregister, then stop serving. */
  @Override
  public void close() {
    discovery.close();
    server.stop(0);
    handlers.shutdownNow();
  }
}
