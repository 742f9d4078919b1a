package io.discovery.spring.boot;

import io.discovery.client.ServiceInstance;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One of our instances as Spring Cloud's {@code ServiceInstance}: its metadata plus {@code zone} and
 * {@code weight}, the keys Spring Cloud LoadBalancer's zone preference and weighted suppliers read.
 */
final class CloudInstance implements org.springframework.cloud.client.ServiceInstance {
  private final ServiceInstance instance;
  private final Map<String, String> metadata;

  CloudInstance(ServiceInstance instance) {
    this.instance = instance;
    Map<String, String> all = new LinkedHashMap<>(instance.metadata());
    if (instance.zone() != null) {
      all.putIfAbsent("zone", instance.zone());
    }
    all.putIfAbsent("weight", Integer.toString(instance.weight()));
    this.metadata = Map.copyOf(all);
  }

  @Override
  public String getInstanceId() {
    return instance.id();
  }

  @Override
  public String getServiceId() {
    return instance.service();
  }

  @Override
  public String getHost() {
    return instance.host();
  }

  @Override
  public int getPort() {
    return instance.port();
  }

  @Override
  public boolean isSecure() {
    return instance.secure();
  }

  @Override
  public URI getUri() {
    return URI.create(getScheme() + "://" + instance.hostPort());
  }

  @Override
  public String getScheme() {
    return instance.secure() ? "https" : "http";
  }

  @Override
  public Map<String, String> getMetadata() {
    return metadata;
  }

  @Override
  public String toString() {
    return instance.id() + "@" + getUri();
  }
}
