/**
 * Test support, in an artifact of its own as OkHttp ships {@code mockwebserver}:
 * {@link io.discovery.testing.ManualScheduler} runs a client's heartbeats, expiries and backoff on
 * fake time, so that tests do not sleep; {@link io.discovery.testing.zookeeper.EmbeddedZooKeeper}
 * runs a ZooKeeper server in the JVM.
 */
package io.discovery.testing;
