package io.discovery.client.dns;

import io.discovery.client.spi.BackendContext;
import io.discovery.client.spi.RegistryBackend;
import io.discovery.client.spi.RegistryBackendFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * {@code dns+srv://<domain>[?server=host:port][&port=<name>]}: instances of service {@code s} from the
 * SRV records of {@code _s._tcp.<domain>} (Consul: {@code dns+srv://service.consul?server=127.0.0.1:8600}),
 * or of {@code _<name>._tcp.s.<domain>} with {@code port=<name>} (Kubernetes:
 * {@code dns+srv://default.svc.cluster.local?port=http}). A full SRV name
 * ({@code dns+srv://_payments._tcp.service.consul}) serves that one service. Without {@code server}, the
 * first nameserver of /etc/resolv.conf answers.
 */
public final class DnsSrvBackendFactory implements RegistryBackendFactory {
  @Override
  public String scheme() {
    return "dns+srv";
  }

  @Override
  public RegistryBackend create(URI uri, BackendContext context) {
    String authority = uri.getRawAuthority();
    if (authority == null || authority.isBlank() || authority.contains(":")) {
      throw new IllegalArgumentException("invalid dns+srv URI '" + io.discovery.client.internal.RegistryUris.redacted(uri) + "': expected dns+srv://<domain>[?server=host:port],"
          + " e.g. dns+srv://service.consul?server=127.0.0.1:8600");
    }
    String server = null;
    String portName = null;
    Duration timeout = Duration.ofSeconds(2);
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        String[] kv = pair.split("=", 2);
        String value = kv.length > 1 ? kv[1] : "";
        switch (kv[0]) {
          case "server" -> server = value;
          case "port" -> portName = value;
          case "timeout" -> timeout = timeout(value);
          default -> throw new IllegalArgumentException("unknown dns+srv URI parameter '" + kv[0] + "': expected server, port or timeout");
        }
      }
    }
    String domain = authority.toLowerCase(java.util.Locale.ROOT);
    Function<String, String> names;
    if (domain.startsWith("_")) {
      String only = domain.substring(1, domain.indexOf('.') > 0 ? domain.indexOf('.') : domain.length());
      names = service -> {
        if (!service.equalsIgnoreCase(only)) {
          throw new IllegalArgumentException("the registry URI names the SRV record of '" + only + "' (" + domain
              + "), not of '" + service + "'; use dns+srv://<domain> to resolve any service");
        }
        return domain;
      };
    } else if (portName != null) {
      String port = portName;
      names = service -> "_" + port + "._tcp." + service + "." + domain;
    } else {
      names = service -> "_" + service + "._tcp." + domain;
    }
    if (context.scheduler() == null) {
      throw new IllegalArgumentException("dns+srv needs the client's scheduler to refresh on the record TTL");
    }
    return new DnsSrvBackend(new DnsClient(serverAddress(server, uri), timeout, 2), names, context.scheduler());
  }

  private static InetSocketAddress serverAddress(String server, URI uri) {
    if (server == null || server.isEmpty()) {
      server = systemNameserver();
    }
    int colon = server.lastIndexOf(':');
    boolean bracketed = server.startsWith("[");
    String host;
    int port = 53;
    if (bracketed) {
      int close = server.indexOf(']');
      host = server.substring(1, close);
      if (close + 1 < server.length()) {
        port = parsePort(server.substring(close + 2), server, uri);
      }
    } else if (colon > 0 && server.indexOf(':') == colon) {
      host = server.substring(0, colon);
      port = parsePort(server.substring(colon + 1), server, uri);
    } else {
      host = server;
    }
    return new InetSocketAddress(host, port);
  }

  private static int parsePort(String text, String server, URI uri) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("invalid DNS server '" + server + "' in '" + io.discovery.client.internal.RegistryUris.redacted(uri) + "': expected host:port, e.g. 127.0.0.1:8600");
  }

  private static String systemNameserver() {
    try {
      for (String line : Files.readAllLines(Path.of("/etc/resolv.conf"))) {
        String[] words = line.trim().split("\\s+");
        if (words.length >= 2 && words[0].equals("nameserver")) {
          return words[1].contains(":") ? "[" + words[1] + "]" : words[1];
        }
      }
    } catch (IOException e) {
      // fall through to the local resolver
    }
    return "127.0.0.1";
  }

  /** A positive timeout in milliseconds ("500" or "500ms"); 0 would mean waiting forever on the socket. */
  private static Duration timeout(String value) {
    long millis;
    try {
      millis = Long.parseLong(value.endsWith("ms") ? value.substring(0, value.length() - 2) : value);
    } catch (NumberFormatException e) {
      millis = -1;
    }
    if (millis <= 0) {
      throw new IllegalArgumentException("invalid dns+srv timeout '" + value + "': expected a positive number of milliseconds, e.g. timeout=2000ms");
    }
    return Duration.ofMillis(millis);
  }
}
