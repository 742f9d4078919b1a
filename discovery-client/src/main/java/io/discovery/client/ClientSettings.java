package io.discovery.client;

import io.discovery.client.spi.RegistryBackend;
import io.discovery.client.time.Scheduler;
import java.time.Duration;

/** What registrations and views of one client share; {@code snapshots} is null without a snapshot directory. */
record ClientSettings(
    RegistryBackend backend,
    Scheduler scheduler,
    Duration ttl,
    Backoff backoff,
    Duration shutdownTimeout,
    Duration initialLoadTimeout,
    SnapshotStore snapshots,
    Protection protection,
    Events events) {

  /** The longest single wait of a thread blocked on a deadline: a fake clock is checked again after it. */
  static final long WAIT_SLICE_NANOS = 20_000_000L;

  /** A renewal delay of about a third of the TTL, jittered by +-10% so that renewals spread out. */
  Duration heartbeatDelay() {
    long third = ttl.toNanos() / 3;
    long jitter = third / 10;
    return Duration.ofNanos(third - jitter + java.util.concurrent.ThreadLocalRandom.current().nextLong(2 * jitter + 1));
  }
}
