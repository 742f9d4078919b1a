package io.discovery.examples;

import com.sun.net.httpserver.HttpServer;
import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/** A tiny HTTP service that registers itself, as a real service would in its main. */
final class PaymentsService implements AutoCloseable {
  private final HttpServer server;
  private final DiscoveryClient discovery;
  private final Registration registration;
  private volatile long delayNanos;

  PaymentsService(String service, String registryUri, int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.setExecutor(Executors.newFixedThreadPool(16, r -> {
      Thread t = new Thread(r, service + "-http");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", exchange -> {
      long delay = delayNanos;
      if (delay > 0) {
        LockSupport.parkNanos(delay); // simulated work
      }
      byte[] body = ("ok from " + address() + "\n").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    discovery = DiscoveryClient.builder().registry(registryUri).withoutShutdownHook().build();
    registration = discovery.register(service, address());
  }

  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  Registration registration() {
    return registration;
  }

  /** Makes every request take about {@code millis} longer. */
  void slowDown(long millis) {
    delayNanos = millis * 1_000_000;
  }

  /** Graceful stop: deregister, then stop serving. */
  @Override
  public void close() {
    discovery.close();
    server.stop(0);
  }
}
