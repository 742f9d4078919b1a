/**
 * The ZooKeeper backend ({@code zookeeper://}), found by the client on the classpath: instances are
 * ephemeral nodes in Apache Curator's service-discovery layout, so Curator and Spring Cloud Zookeeper
 * services and this library see each other, and the ZooKeeper session is the heartbeat.
 * A server inside the JVM, for tests and demos, is in the discovery-testing artifact
 * ({@code io.discovery.testing.zookeeper.EmbeddedZooKeeper}).
 */
package io.discovery.zookeeper;
