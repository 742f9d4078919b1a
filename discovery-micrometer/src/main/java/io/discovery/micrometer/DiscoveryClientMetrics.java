package io.discovery.micrometer;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import io.discovery.client.RegistrationState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;

/**
 * Meters of one {@link DiscoveryClient}: {@code discovery.registrations} by {@code state}, and for each
 * view, tagged {@code service}, {@code discovery.view.instances}, {@code discovery.view.age} and
 * {@code discovery.view.stale}. Views the client starts after binding get their meters when they start;
 * a view the client drops loses them.
 *
 * <p>Gauges hold the client and its views weakly: a client nobody else references is collected, and
 * its gauges then read NaN. To bind several clients to one registry, tell them apart with a tag.
 *
 * <pre>{@code
 * new DiscoveryClientMetrics(discovery).bindTo(registry);
 * }</pre>
 */
public final class DiscoveryClientMetrics implements MeterBinder {
  private final DiscoveryClient client;
  private final Tags tags;
  private final Clock clock;

  /**
   * Meters of {@code client}, with view ages measured on the system clock.
   *
   * @param client the client to meter
   */
  public DiscoveryClientMetrics(DiscoveryClient client) {
    this(client, Tags.empty(), Clock.systemUTC());
  }

  /**
   * Meters of {@code client} with extra tags, with view ages measured on {@code clock}.
   *
   * @param client the client to meter
   * @param tags   added to every meter, e.g. {@code client=orders} when several clients share a registry
   * @param clock  the client's clock: the system clock unless the client runs on a scheduler of its own
   */
  public DiscoveryClientMetrics(DiscoveryClient client, Iterable<Tag> tags, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (RegistrationState state : RegistrationState.values()) {
      Gauge.builder("discovery.registrations", client, c -> count(c, state))
          .tags(tags)
          .tag("state", state.name().toLowerCase(Locale.ROOT))
          .description("Instances this client registered, by the state of their registration")
          .register(registry);
    }
    client.subscribeViews(new ViewMeters(registry, tags, clock)::follow);
  }

  private static double count(DiscoveryClient client, RegistrationState state) {
    int n = 0;
    for (Registration registration : client.registrations()) {
      if (registration.state() == state) {
        n++;
      }
    }
    return n;
  }
}
