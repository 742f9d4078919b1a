/**
 * The service-provider interface for registry backends: a backend module implements
 * {@link io.discovery.client.spi.RegistryBackend} and a
 * {@link io.discovery.client.spi.RegistryBackendFactory} for its URI scheme, listed in
 * {@code META-INF/services}, and the client finds it on the classpath. The other types here are the
 * helpers the bundled backends share (URI parsing, credentials, the instance JSON). Applications do
 * not need this package.
 */
package io.discovery.client.spi;
