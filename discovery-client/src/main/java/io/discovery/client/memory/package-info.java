/**
 * An in-JVM registry ({@code memory:} and {@code memory://<name>}) for tests and single-process
 * samples: leases expire on the client's clock and watches see every change, and a test can expire
 * leases, wipe the registry or make it unreachable through
 * {@link io.discovery.client.memory.MemoryRegistry}.
 */
package io.discovery.client.memory;
