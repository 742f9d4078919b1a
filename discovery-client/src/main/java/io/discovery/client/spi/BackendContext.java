package io.discovery.client.spi;

import io.discovery.client.time.Scheduler;
import java.time.Duration;

/**
 * What a client tells the backend it creates.
 *
 * @param scheduler the client's scheduler and clock, for backends that need time
 * @param ttl       the client's registration TTL, for backends whose liveness is set per connection
 *                  (a ZooKeeper session timeout) rather than per registration
 */
public record BackendContext(Scheduler scheduler, Duration ttl) {
}
