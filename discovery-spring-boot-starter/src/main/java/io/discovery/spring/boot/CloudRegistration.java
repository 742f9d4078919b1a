package io.discovery.spring.boot;

import io.discovery.client.Registration;
import java.net.URI;
import java.util.Map;

/**
 * This application's registration as Spring Cloud names it, for {@link CloudServiceRegistry} and the
 * {@code serviceregistry} actuator endpoint: the instance the {@link ServiceRegistrar} registered.
 * Its getters throw {@link IllegalStateException} while the application is not registered (before
 * the web server starts, after the context closes or a deregister).
 */
public final class CloudRegistration implements org.springframework.cloud.client.serviceregistry.Registration {
  private final ServiceRegistrar registrar;

  CloudRegistration(ServiceRegistrar registrar) {
    this.registrar = registrar;
  }

  ServiceRegistrar registrar() {
    return registrar;
  }

  private CloudInstance instance() {
    Registration registration = registrar.registration().orElseThrow(() -> new IllegalStateException(
        "this application is not registered (its web server has not started, or it was deregistered)"));
    return new CloudInstance(registration.instance());
  }

  @Override
  public String getInstanceId() {
    return instance().getInstanceId();
  }

  @Override
  public String getServiceId() {
    return instance().getServiceId();
  }

  @Override
  public String getHost() {
    return instance().getHost();
  }

  @Override
  public int getPort() {
    return instance().getPort();
  }

  @Override
  public boolean isSecure() {
    return instance().isSecure();
  }

  @Override
  public URI getUri() {
    return instance().getUri();
  }

  @Override
  public String getScheme() {
    return instance().getScheme();
  }

  @Override
  public Map<String, String> getMetadata() {
    return instance().getMetadata();
  }

  @Override
  public String toString() {
    return registrar.registration().map(r -> new CloudInstance(r.instance()).toString()).orElse("(not registered)");
  }
}
