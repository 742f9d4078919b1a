/**
 * Where a client runs its background work and reads the time: {@link io.discovery.client.time.Scheduler},
 * with a thread-backed implementation for production; the discovery-testing artifact has
 * {@code io.discovery.testing.ManualScheduler}, on fake time, so that tests of heartbeats, expiries and
 * backoff run without sleeping.
 */
package io.discovery.client.time;
