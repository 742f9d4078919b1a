package io.discovery.spring.boot;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.RegistryUnavailableException;
import io.discovery.client.Snapshot;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Spring Cloud's {@code DiscoveryClient} over our cached views: {@link #getInstances} reads the
 * push-updated view of the service (the first call for a service waits for its first answer, at most
 * the client's initial load timeout), so Spring Cloud LoadBalancer, {@code @LoadBalanced} clients and
 * anything else built on Spring Cloud resolve through our registries.
 */
public final class CloudDiscoveryClient implements org.springframework.cloud.client.discovery.DiscoveryClient {
  private final DiscoveryClient client;

  /**
   * Spring Cloud's view of {@code client}.
   *
   * @param client the client whose views to read
   */
  public CloudDiscoveryClient(DiscoveryClient client) {
    this.client = client;
  }

  @Override
  public String description() {
    return "io.discovery DiscoveryClient";
  }

  /**
   * The instances of {@code serviceId} in its cached view. Spring Cloud LoadBalancer asks about
   * every host a {@code @LoadBalanced} client is given, services or not, so a name the registry
   * answered has no instances keeps no watch (as with {@link DiscoveryClient#forgetIfUnused}), and
   * the next call asks the registry again; a name once seen with instances keeps its view for good.
   *
   * @param serviceId the service name, case-insensitive
   * @return the instances now; empty for a name that cannot be a service name
   */
  @Override
  public List<org.springframework.cloud.client.ServiceInstance> getInstances(String serviceId) {
    if (!ServiceNames.valid(serviceId)) {
      return List.of();
    }
    Snapshot snapshot = client.lookup(serviceId).snapshot();
    if (snapshot.isEmpty()) {
      if (snapshot.loaded() && !snapshot.stale()) {
        client.forgetIfUnused(serviceId);
      }
      return List.of();
    }
    client.service(serviceId, Duration.ZERO); // claims the view: a service whose instances all leave keeps it
    return snapshot.instances().stream()
        .<org.springframework.cloud.client.ServiceInstance>map(CloudInstance::new)
        .toList();
  }

  /**
   * The services registered now, asked of the registry; where it cannot list them (DNS SRV) or is
   * unreachable, the services this client has already resolved.
   *
   * @return service names, sorted
   */
  @Override
  public List<String> getServices() {
    try {
      return List.copyOf(client.services());
    } catch (UnsupportedOperationException | RegistryUnavailableException e) {
      Set<String> resolved = new TreeSet<>(client.watchedServices());
      return List.copyOf(resolved);
    }
  }
}
