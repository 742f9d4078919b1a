package io.discovery.client.spi;

import io.discovery.client.time.Scheduler;
import java.time.Duration;

/**
 * What a client tells the backend it creates.
 *
 * @param scheduler        the client's scheduler and clock, for backends that need time
 * @param ttl              the client's registration TTL, for backends whose liveness is set per
 *                         connection (a ZooKeeper session timeout) rather than per registration
 * @param maxInstanceBytes the largest stored instance (key and value) the backend registers or
 *                         delivers to a view; larger entries are refused or skipped
 */
public record BackendContext(Scheduler scheduler, Duration ttl, int maxInstanceBytes) {
  /** 64 KiB: far above any sane instance, far below what makes every view's memory and every read grow. */
  public static final int DEFAULT_MAX_INSTANCE_BYTES = 64 * 1024;

  /**
   * Checks the size limit.
   *
   * @param scheduler        the client's scheduler and clock
   * @param ttl              the client's registration TTL
   * @param maxInstanceBytes more than zero
   * @throws IllegalArgumentException if {@code maxInstanceBytes} is zero or less
   */
  public BackendContext {
    if (maxInstanceBytes <= 0) {
      throw new IllegalArgumentException("invalid maximum instance size " + maxInstanceBytes + ": expected more than 0 bytes");
    }
  }

  /**
   * A context with the default {@link #DEFAULT_MAX_INSTANCE_BYTES}.
   *
   * @param scheduler the client's scheduler and clock
   * @param ttl       the client's registration TTL
   */
  public BackendContext(Scheduler scheduler, Duration ttl) {
    this(scheduler, ttl, DEFAULT_MAX_INSTANCE_BYTES);
  }
}
