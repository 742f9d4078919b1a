package io.discovery.spring.boot;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Spring Cloud's {@code ReactiveDiscoveryClient} over our cached views: {@link CloudDiscoveryClient}'s
 * answers, on a thread that may block, since the first read of a service waits for its first answer.
 */
public final class ReactiveCloudDiscoveryClient implements ReactiveDiscoveryClient {
  private final CloudDiscoveryClient blocking;

  /**
   * The reactive face of {@code blocking}.
   *
   * @param blocking the client that reads our views
   */
  public ReactiveCloudDiscoveryClient(CloudDiscoveryClient blocking) {
    this.blocking = blocking;
  }

  @Override
  public String description() {
    return blocking.description();
  }

  @Override
  public Flux<ServiceInstance> getInstances(String serviceId) {
    return Flux.defer(() -> Flux.fromIterable(blocking.getInstances(serviceId))).subscribeOn(Schedulers.boundedElastic());
  }

  @Override
  public Flux<String> getServices() {
    return Flux.defer(() -> Flux.fromIterable(blocking.getServices())).subscribeOn(Schedulers.boundedElastic());
  }
}
