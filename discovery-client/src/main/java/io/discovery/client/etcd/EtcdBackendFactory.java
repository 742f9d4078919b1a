package io.discovery.client.etcd;

import io.discovery.client.spi.RegistryBackend;
import io.discovery.client.spi.RegistryBackendFactory;
import io.discovery.client.internal.RegistryUris;
import io.discovery.client.internal.PemTls;
import io.discovery.client.spi.BackendContext;
import io.discovery.client.spi.Credentials;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import okhttp3.HttpUrl;

/**
 * {@code etcd://[user:password@]host:port[,host:port...][/prefix]}: etcd's v3 JSON gateway over HTTP;
 * the key prefix defaults to {@code /services}. With a user-info the client authenticates to etcd
 * and sends the token on every call, watches included. {@code etcd+https://} (see
 * {@link EtcdHttpsBackendFactory}) adds TLS, with {@code ?ca=&cert=&key=} PEM files for a private CA
 * and a client certificate.
 */
public class EtcdBackendFactory implements RegistryBackendFactory {
  /** The key prefix used when the URI has no path. */
  public static final String DEFAULT_PREFIX = "/services";

  @Override
  public String scheme() {
    return "etcd";
  }

  @Override
  public RegistryBackend create(URI uri, BackendContext context) {
    EtcdBackend.Builder builder = parse(uri).watchSilence(context.ttl().multipliedBy(2))
        .maxInstanceBytes(context.maxInstanceBytes());
    if (context.scheduler() != null) {
      builder.nanoTime(context.scheduler()::nanoTime);
    }
    return builder.build();
  }

  /** The endpoints, credentials and TLS files a URI names; throws {@link IllegalArgumentException} naming what is wrong. */
  static EtcdBackend.Builder parse(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    boolean https = scheme.equals("etcd+https");
    if (!https && !scheme.equals("etcd")) {
      throw new IllegalArgumentException("invalid etcd URI '" + RegistryUris.redacted(uri)
          + "': expected etcd://host:port or etcd+https://host:port");
    }
    List<HttpUrl> endpoints = new ArrayList<>();
    for (String hostPort : RegistryUris.hostPorts(uri, "etcd", "127.0.0.1:2379")) {
      HttpUrl url = HttpUrl.parse((https ? "https://" : "http://") + hostPort);
      if (url == null) {
        throw new IllegalArgumentException("invalid etcd server '" + hostPort + "' in '" + RegistryUris.redacted(uri) + "': expected host:port, e.g. 127.0.0.1:2379");
      }
      endpoints.add(url);
    }
    Credentials credentials = Credentials.fromUri(uri);
    Path ca = null;
    Path cert = null;
    Path key = null;
    String query = uri.getRawQuery();
    if (query != null) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        Path value = Path.of(java.net.URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
        switch (name) {
          case "ca" -> ca = value;
          case "cert" -> cert = value;
          case "key" -> key = value;
          default -> throw new IllegalArgumentException("unknown etcd URI parameter '" + name + "': expected ca, cert or key");
        }
      }
      if (!https) {
        throw new IllegalArgumentException("invalid etcd URI '" + RegistryUris.redacted(uri)
            + "': ca=, cert= and key= are for TLS; use etcd+https://");
      }
    }
    EtcdBackend.Builder builder = new EtcdBackend.Builder(endpoints, RegistryUris.path(uri, DEFAULT_PREFIX));
    if (credentials != null) {
      builder.credentials(credentials.user(), credentials.password());
    }
    if (ca != null || cert != null || key != null) {
      builder.tls(PemTls.load(ca, cert, key));
    }
    return builder;
  }
}
