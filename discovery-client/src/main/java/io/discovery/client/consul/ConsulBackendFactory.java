package io.discovery.client.consul;

import io.discovery.client.spi.BackendContext;
import io.discovery.client.spi.RegistryBackend;
import io.discovery.client.spi.RegistryBackendFactory;
import java.net.URI;
import java.time.Duration;
import okhttp3.HttpUrl;

/**
 * {@code consul://host:port} (and {@code consul+https://host:port}, see
 * {@link ConsulHttpsBackendFactory}) with optional {@code ?token=}, {@code dc=}, {@code stale} and
 * {@code wait=30s}. The token goes into the {@code X-Consul-Token} header, never a URL. For checks,
 * TLS trust or client certificates, build a {@link ConsulBackend} with its builder instead.
 */
public class ConsulBackendFactory implements RegistryBackendFactory {

  /** What a Consul URI says. */
  record Target(HttpUrl base, String token, String datacenter, boolean stale, Duration blockingWait,
                io.discovery.client.internal.PemTls tls) {
  }

  @Override
  public String scheme() {
    return "consul";
  }

  @Override
  public RegistryBackend create(URI uri, BackendContext context) {
    return new ConsulBackend.Builder(parse(uri)).build();
  }

  static Target parse(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme();
    String http = scheme.equalsIgnoreCase("consul+https") ? "https" : "http";
    if (!scheme.equalsIgnoreCase("consul") && !http.equals("https")) {
      throw new IllegalArgumentException("invalid Consul URI: expected consul://host:port or consul+https://host:port, got scheme '" + scheme + "'");
    }
    String authority = uri.getRawAuthority();
    HttpUrl base = authority == null ? null : HttpUrl.parse(http + "://" + authority + "/");
    if (authority == null) {
      throw new IllegalArgumentException("invalid Consul URI '" + io.discovery.client.internal.RegistryUris.redacted(uri) + "': expected " + scheme
          + "://host:port, e.g. consul://127.0.0.1:8500");
    }
    if (base == null || !authority.contains(":")) {
      throw new IllegalArgumentException("invalid Consul agent address '" + authority + "': expected host:port, e.g. 127.0.0.1:8500");
    }
    String token = null;
    String dc = null;
    boolean stale = false;
    Duration wait = null;
    java.nio.file.Path ca = null;
    java.nio.file.Path cert = null;
    java.nio.file.Path keyFile = null;
    String query = uri.getRawQuery();
    if (query != null) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        String key = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
        switch (key) {
          case "token" -> token = value;
          case "dc" -> dc = value;
          case "stale" -> stale = !value.equals("false");
          case "wait" -> wait = parseSeconds(value);
          case "ca" -> ca = java.nio.file.Path.of(value);
          case "cert" -> cert = java.nio.file.Path.of(value);
          case "key" -> keyFile = java.nio.file.Path.of(value);
          default -> throw new IllegalArgumentException("unknown Consul URI parameter '" + key
              + "': expected token, dc, stale, wait, ca, cert or key");
        }
      }
    }
    io.discovery.client.internal.PemTls tls = null;
    if (ca != null || cert != null || keyFile != null) {
      if (!http.equals("https")) {
        throw new IllegalArgumentException("invalid Consul URI '" + io.discovery.client.internal.RegistryUris.redacted(uri)
            + "': ca=, cert= and key= are for TLS; use consul+https://");
      }
      tls = io.discovery.client.internal.PemTls.load(ca, cert, keyFile);
    }
    return new Target(base, token, dc, stale, wait, tls);
  }

  private static Duration parseSeconds(String value) {
    try {
      return Duration.ofSeconds(Long.parseLong(value.endsWith("s") ? value.substring(0, value.length() - 1) : value));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid Consul wait '" + value + "': expected seconds, e.g. 30s");
    }
  }
}
