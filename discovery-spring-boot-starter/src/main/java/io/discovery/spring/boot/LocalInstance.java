package io.discovery.spring.boot;

import io.discovery.client.HostAddress;
import io.discovery.client.ServiceInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;

/** The instance this application registers: its name, address and the {@code discovery.instance.*} settings. */
final class LocalInstance {
  private static final Logger log = LoggerFactory.getLogger(LocalInstance.class);

  private final String service;
  private final String host;
  private final boolean secure;
  private final DiscoveryProperties.Instance settings;

  LocalInstance(String service, String host, boolean secure, DiscoveryProperties.Instance settings) {
    this.service = service;
    this.host = host;
    this.secure = secure;
    this.settings = settings;
  }

  /**
   * Reads {@code spring.application.name}, {@code server.ssl.*} and {@code discovery.instance.*}; detects
   * the host when none is set.
   *
   * @throws IllegalStateException if {@code spring.application.name} is not set
   */
  static LocalInstance of(Environment environment, DiscoveryProperties properties) {
    String service = environment.getProperty("spring.application.name");
    if (service == null || service.isBlank()) {
      throw new IllegalStateException("discovery.register is true but spring.application.name is not set: "
          + "set the name to register under, or discovery.register=false");
    }
    String host = properties.getInstance().getHost();
    if (host == null || host.isBlank()) {
      HostAddress.Choice choice = HostAddress.detect();
      log.info("registering '{}' at {}: {} (set discovery.instance.host to choose)", service, choice.host(), choice.reason());
      host = choice.host();
    }
    // As Spring Boot decides: TLS is on when a bundle, key store or certificate is set, unless server.ssl.enabled=false.
    boolean secure = environment.getProperty("server.ssl.enabled", Boolean.class, true)
        && (environment.containsProperty("server.ssl.bundle") || environment.containsProperty("server.ssl.key-store")
        || environment.containsProperty("server.ssl.certificate"));
    return new LocalInstance(service, host, secure, properties.getInstance());
  }

  /**
   * The instance at {@code port}.
   *
   * @throws IllegalArgumentException naming the bad value (service name, host, port, weight, metadata)
   */
  ServiceInstance at(int port) {
    String address = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    ServiceInstance.Builder builder = ServiceInstance.builder(service, address + ":" + port).zone(settings.getZone());
    settings.getMetadata().forEach(builder::metadata);
    if (secure) {
      builder.secure();
    }
    if (settings.getWeight() != null) {
      builder.weight(settings.getWeight());
    }
    return builder.build();
  }
}
