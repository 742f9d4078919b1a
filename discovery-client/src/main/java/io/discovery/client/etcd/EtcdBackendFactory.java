package io.discovery.client.etcd;

import io.discovery.client.spi.RegistryBackend;
import io.discovery.client.spi.RegistryBackendFactory;
import io.discovery.client.spi.RegistryUris;
import io.discovery.client.spi.BackendContext;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import okhttp3.HttpUrl;

/**
 * {@code etcd://[user:password@]host:port[,host:port...][/prefix]}: etcd's v3 JSON gateway over HTTP;
 * the key prefix defaults to {@code /services}. With a user-info the client authenticates to etcd
 * and sends the token on every call, watches included.
 */
public final class EtcdBackendFactory implements RegistryBackendFactory {
  /** The key prefix used when the URI has no path. */
  public static final String DEFAULT_PREFIX = "/services";

  @Override
  public String scheme() {
    return "etcd";
  }

  @Override
  public RegistryBackend create(URI uri, BackendContext context) {
    List<HttpUrl> endpoints = new ArrayList<>();
    for (String hostPort : RegistryUris.hostPorts(uri, "etcd", "127.0.0.1:2379")) {
      HttpUrl url = HttpUrl.parse("http://" + hostPort);
      if (url == null) {
        throw new IllegalArgumentException("invalid etcd server '" + hostPort + "' in '" + RegistryUris.redacted(uri) + "': expected host:port, e.g. 127.0.0.1:2379");
      }
      endpoints.add(url);
    }
    String authority = uri.getRawAuthority(); // with several hosts Java parses no user-info: read it here
    EtcdCredentials credentials = EtcdCredentials.fromUserInfo(
        authority != null && authority.contains("@") ? authority.substring(0, authority.lastIndexOf('@')) : null);
    return new EtcdBackend(new EtcdGateway(endpoints, credentials), RegistryUris.path(uri, DEFAULT_PREFIX));
  }
}
