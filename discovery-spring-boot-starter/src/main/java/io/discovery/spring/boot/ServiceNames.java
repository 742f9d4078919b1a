package io.discovery.spring.boot;

import java.util.regex.Pattern;

/** Whether a Spring Cloud service id can name one of our services, so that other names resolve to nothing. */
final class ServiceNames {
  /** {@link io.discovery.client.ServiceInstance}'s rule for service names. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  private ServiceNames() {
  }

  static boolean valid(String serviceId) {
    return serviceId != null && NAME.matcher(serviceId).matches();
  }
}
