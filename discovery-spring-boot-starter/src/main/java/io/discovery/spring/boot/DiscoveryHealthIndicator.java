package io.discovery.spring.boot;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import io.discovery.client.RegistrationState;
import io.discovery.client.ServiceView;
import io.discovery.client.Snapshot;
import io.discovery.client.Subscription;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of a {@link DiscoveryClient}: DOWN when the registry refused a registration for good
 * ({@link RegistrationState#FAILED}), OUT_OF_SERVICE when a registration is marked out of service,
 * UNKNOWN while one is not registered yet or is retrying against an unreachable registry (the
 * application itself still works), else UP. Details: each registration's state and each view's
 * instance count and stale flag.
 */
public final class DiscoveryHealthIndicator implements HealthIndicator, AutoCloseable {
  private final DiscoveryClient client;
  private final Subscription subscription;
  private volatile Map<String, ServiceView> views = Map.of();

  /**
   * Follows {@code client}'s registrations and views until {@link #close()}.
   *
   * @param client the client to report on
   */
  public DiscoveryHealthIndicator(DiscoveryClient client) {
    this.client = client;
    this.subscription = client.subscribeViews(now -> views = now);
  }

  @Override
  public Health health() {
    List<Registration> registrations = client.registrations().stream()
        .sorted(Comparator.comparing(r -> r.instance().service() + "/" + r.instance().id()))
        .toList();
    Map<String, Object> registrationDetails = new LinkedHashMap<>();
    for (Registration registration : registrations) {
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("state", registration.state().name());
      detail.put("address", registration.instance().hostPort());
      if (registration.outOfService()) {
        detail.put("outOfService", true);
      }
      registration.failure().ifPresent(failure -> detail.put("failure", failure.getMessage()));
      registrationDetails.put(registration.instance().service() + "/" + registration.instance().id(), detail);
    }
    Map<String, Object> viewDetails = new TreeMap<>();
    views.forEach((service, view) -> {
      Snapshot snapshot = view.snapshot();
      viewDetails.put(service, Map.of("instances", snapshot.instances().size(), "stale", snapshot.stale()));
    });
    return Health.status(status(registrations))
        .withDetail("registrations", registrationDetails)
        .withDetail("views", viewDetails)
        .build();
  }

  private static Status status(List<Registration> registrations) {
    if (registrations.stream().anyMatch(r -> r.state() == RegistrationState.FAILED)) {
      return Status.DOWN;
    }
    if (registrations.stream().anyMatch(r -> r.state() != RegistrationState.CLOSED && r.outOfService())) {
      return Status.OUT_OF_SERVICE;
    }
    if (registrations.stream().anyMatch(r -> r.state() == RegistrationState.REGISTERING || r.state() == RegistrationState.RETRYING)) {
      return Status.UNKNOWN;
    }
    return Status.UP;
  }

  /** Stops following the client's views. */
  @Override
  public void close() {
    subscription.close();
  }
}
