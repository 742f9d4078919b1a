package io.discovery.client.spi;

import java.net.URI;

/**
 * Creates the backend for one URI scheme ({@code etcd}, {@code memory}, ...). Found with
 * {@link java.util.ServiceLoader}, so a backend in another module plugs in by being on the classpath.
 */
public interface RegistryBackendFactory {

  /**
   * The URI scheme this factory serves; a client picks the factory by its registry URI's scheme.
   *
   * @return the scheme, lower case, without ':'
   */
  String scheme();

  /**
   * A backend for {@code uri}. Must not wait for the registry.
   *
   * @param uri     the registry URI, its scheme {@link #scheme()}
   * @param context the client's scheduler, TTL and size limit
   * @return a new backend, which the client closes
   * @throws IllegalArgumentException naming what is wrong with the URI
   */
  RegistryBackend create(URI uri, BackendContext context);
}
