package io.discovery.client.spi;

import java.net.URI;

/**
 * Creates the backend for one URI scheme ({@code etcd}, {@code memory}, ...). Found with
 * {@link java.util.ServiceLoader}, so a backend in another module plugs in by being on the classpath.
 */
public interface RegistryBackendFactory {

  /** The URI scheme this factory serves, lower case. */
  String scheme();

  /** A backend for {@code uri}; throws {@link IllegalArgumentException} naming what is wrong with it. */
  RegistryBackend create(URI uri, BackendContext context);
}
