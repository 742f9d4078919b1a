package io.discovery.zookeeper;

import io.discovery.client.spi.BackendContext;
import io.discovery.client.spi.RegistryBackend;
import io.discovery.client.spi.RegistryBackendFactory;
import java.net.URI;
import java.time.Clock;

/**
 * {@code zookeeper://host:port[,host:port...][/basePath]}: Curator's service-discovery layout under
 * the base path, {@code /services} by default (Spring Cloud Zookeeper's). The session timeout is
 * the client's TTL, within the server's bounds (by default 2 to 20 ticks of 2 s).
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
    String authority = uri.getRawAuthority();
    if (authority == null || authority.isBlank()) {
      throw new IllegalArgumentException("invalid ZooKeeper URI '" + uri + "': expected zookeeper://host:port[,host:port][/basePath]");
    }
    for (String hostPort : authority.split(",")) {
      int colon = hostPort.lastIndexOf(':');
      boolean valid = colon > 0 && colon < hostPort.length() - 1;
      if (valid) {
        try {
          int port = Integer.parseInt(hostPort.substring(colon + 1));
          valid = port > 0 && port <= 65535;
        } catch (NumberFormatException e) {
          valid = false;
        }
      }
      if (!valid) {
        throw new IllegalArgumentException("invalid ZooKeeper server '" + hostPort + "' in '" + uri
            + "': expected host:port, e.g. 127.0.0.1:2181");
      }
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    Clock clock = context.scheduler() == null ? Clock.systemUTC() : context.scheduler().clock();
    return new ZooKeeperBackend(authority, path.isEmpty() ? DEFAULT_BASE_PATH : path, context.ttl(), clock);
  }
}
