package io.discovery.zookeeper;

import io.discovery.client.spi.BackendContext;
import io.discovery.client.spi.Credentials;
import io.discovery.client.spi.RegistryBackend;
import io.discovery.client.spi.RegistryBackendFactory;
import io.discovery.client.internal.RegistryUris;
import java.net.URI;
import java.time.Clock;

/**
 * {@code zookeeper://[user:password@]host:port[,host:port...][/basePath]}: Curator's service-discovery
 * layout under the base path, {@code /services} by default (Spring Cloud Zookeeper's). The session
 * timeout is the client's TTL, within the server's bounds (by default 2 to 20 ticks of 2 s). With a
 * user and password, the session authenticates with the digest scheme and the nodes it creates are
 * for that user only. TLS and SASL are the ZooKeeper client's own system properties
 * ({@code zookeeper.client.secure}, {@code zookeeper.ssl.*}, {@code zookeeper.sasl.*}).
 */
public final class ZooKeeperBackendFactory implements RegistryBackendFactory {
  /** The base path used when the URI has none. */
  public static final String DEFAULT_BASE_PATH = "/services";

  @Override
  public String scheme() {
    return "zookeeper";
  }

  @Override
  public RegistryBackend create(URI uri, BackendContext context) {
    String connectString = String.join(",", RegistryUris.hostPorts(uri, "ZooKeeper", "127.0.0.1:2181"));
    Clock clock = context.scheduler() == null ? Clock.systemUTC() : context.scheduler().clock();
    return new ZooKeeperBackend(connectString, RegistryUris.path(uri, DEFAULT_BASE_PATH), context.ttl(), clock,
        Credentials.fromUri(uri), context.maxInstanceBytes());
  }
}
