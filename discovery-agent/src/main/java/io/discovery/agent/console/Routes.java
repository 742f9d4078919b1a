package io.discovery.agent.console;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The console's URLs: the page ({@code /}, {@code /console.js}, {@code /console.css}) and the JSON
 * API ({@code /api/services}, {@code /api/services/<name>}, {@code /api/events}). Read-only: GET and
 * HEAD. The page may run only its own script (Content-Security-Policy), and on a loopback address
 * only requests for a loopback host name are answered, so a web page on another origin cannot read
 * the registry through DNS rebinding.
 */
final class Routes implements HttpHandler {
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
      + "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  private static final String JSON_TYPE = "application/json; charset=utf-8";
  private static final String API_SERVICE = "/api/services/";

  private final Supplier<ConsoleState> state;
  private final Clock clock;
  private final EventStreams streams;
  private final boolean loopbackHostsOnly;
  private final Map<String, Asset> assets;

  Routes(Supplier<ConsoleState> state, Clock clock, EventStreams streams, boolean loopbackHostsOnly) {
    this.state = state;
    this.clock = clock;
    this.streams = streams;
    this.loopbackHostsOnly = loopbackHostsOnly;
    Asset page = Asset.load("index.html", "text/html; charset=utf-8");
    this.assets = Map.of("/", page, "/index.html", page,
        "/console.js", Asset.load("console.js", "text/javascript; charset=utf-8"),
        "/console.css", Asset.load("console.css", "text/css; charset=utf-8"));
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
      exchange.getResponseHeaders().set("Content-Security-Policy", CSP);
      if (loopbackHostsOnly && !loopbackHost(exchange.getRequestHeaders().getFirst("Host"))) {
        sendText(exchange, 403, "this console answers only requests for a loopback address such as 127.0.0.1 or localhost\n");
        return;
      }
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        sendText(exchange, 405, "the console is read-only: GET and HEAD only\n");
        return;
      }
      route(exchange, exchange.getRequestURI().getPath());
    } finally {
      exchange.close();
    }
  }

  private void route(HttpExchange exchange, String path) throws IOException {
    Asset asset = assets.get(path);
    if (asset != null) {
      exchange.getResponseHeaders().set("Cache-Control", "no-cache");
      send(exchange, 200, asset.type, asset.bytes);
    } else if (path.equals("/api/services")) {
      sendJson(exchange, 200, StateJson.write(state.get(), clock.instant()));
    } else if (path.equals("/api/events") && exchange.getRequestMethod().equals("HEAD")) {
      send(exchange, 200, "text/event-stream; charset=utf-8", new byte[0]);
    } else if (path.equals("/api/events")) {
      streams.serve(exchange, () -> StateJson.write(state.get(), clock.instant()));
    } else if (path.startsWith(API_SERVICE) && path.length() > API_SERVICE.length()) {
      String name = path.substring(API_SERVICE.length()).toLowerCase(Locale.ROOT);
      ConsoleState now = state.get();
      var service = now.service(name);
      if (service.isPresent()) {
        sendJson(exchange, 200, StateJson.write(StateJson.service(service.get(), now.checksKnown(), clock.instant())));
      } else {
        sendJson(exchange, 404, error("no service '" + name + "' is listed in the registry"));
      }
    } else {
      sendJson(exchange, 404, error("no such page: " + path + "; the console serves /, /api/services, "
          + "/api/services/<name> and /api/events"));
    }
  }

  /** Whether the Host header names a loopback address: localhost, 127.x.x.x or [::1], with any port. */
  static boolean loopbackHost(String hostHeader) {
    if (hostHeader == null) {
      return true; // HTTP/1.0 without Host: not a browser, so not a rebinding attack
    }
    String host = hostHeader.trim().toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      return close > 0 && host.substring(1, close).equals("::1");
    }
    int colon = host.indexOf(':');
    if (colon >= 0) {
      host = host.substring(0, colon);
    }
    return host.equals("localhost") || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }

  private static String error(String message) {
    return StateJson.write(JsonNodeFactory.instance.objectNode().put("error", message));
  }

  private static void sendJson(HttpExchange exchange, int code, String json) throws IOException {
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    send(exchange, code, JSON_TYPE, json.getBytes(StandardCharsets.UTF_8));
  }

  static void sendText(HttpExchange exchange, int code, String text) throws IOException {
    send(exchange, code, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int code, String type, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(code, -1);
      return;
    }
    exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** A file of the page, read once from the classpath. */
  private record Asset(String type, byte[] bytes) {
    static Asset load(String name, String type) {
      try (InputStream in = Routes.class.getResourceAsStream(name)) {
        if (in == null) {
          throw new IllegalStateException("the console's " + name + " is missing from the classpath (a broken build)");
        }
        return new Asset(type, in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
