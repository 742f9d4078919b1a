package io.discovery.client.memory;

import io.discovery.client.ServiceInstance;
import io.discovery.client.spi.Lease;
import io.discovery.client.spi.RegistryBackend;
import io.discovery.client.spi.WatchHandle;
import io.discovery.client.spi.WatchListener;
import io.discovery.client.time.Scheduler;
import java.time.Duration;

/** {@link RegistryBackend} over a {@link MemoryRegistry}; starts no threads of its own. */
public final class MemoryBackend implements RegistryBackend {
  private final MemoryRegistry registry;
  private final Scheduler scheduler;

  MemoryBackend(MemoryRegistry registry, Scheduler scheduler) {
    this.registry = registry;
    this.scheduler = scheduler;
  }

  @Override
  public Lease register(ServiceInstance instance, Duration ttl) {
    return registry.register(instance, ttl, scheduler);
  }

  @Override
  public Lease update(Lease lease, ServiceInstance changed, Duration ttl) {
    return registry.update(lease, changed);
  }

  @Override
  public void renew(Lease lease) {
    registry.renew(lease);
  }

  @Override
  public void deregister(Lease lease) {
    registry.deregister(lease);
  }

  @Override
  public java.util.SortedSet<String> services() {
    return registry.services();
  }

  @Override
  public WatchHandle watch(String service, WatchListener listener) {
    return registry.watch(service, listener);
  }

  @Override
  public void close() {
  }
}
