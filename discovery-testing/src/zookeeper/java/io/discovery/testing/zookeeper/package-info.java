/**
 * {@link io.discovery.testing.zookeeper.EmbeddedZooKeeper}: a ZooKeeper server inside the JVM, for
 * tests and demos of {@code zookeeper://} registries.
 */
package io.discovery.testing.zookeeper;
