package io.discovery.micrometer;

import io.discovery.client.ServiceView;
import io.discovery.client.Snapshot;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The meters of a client's views, kept in step with the views the client has: a view that starts gets
 * its meters, a dropped one loses them, and a view started again under the same name gets fresh ones.
 * The client calls {@link #follow} one call at a time.
 */
final class ViewMeters {
  private final MeterRegistry registry;
  private final Tags tags;
  private final Clock clock;
  private final Map<String, Bound> bound = new HashMap<>();

  /** The meters of one view, and the view they read, to tell a view started again from the same one. */
  private record Bound(ServiceView view, List<Meter> meters) {
  }

  ViewMeters(MeterRegistry registry, Tags tags, Clock clock) {
    this.registry = registry;
    this.tags = tags;
    this.clock = clock;
  }

  /** Binds the views in {@code views} that have no meters yet and removes the meters of views gone. */
  void follow(Map<String, ServiceView> views) {
    bound.entrySet().removeIf(entry -> {
      if (views.get(entry.getKey()) == entry.getValue().view()) {
        return false;
      }
      entry.getValue().meters().forEach(registry::remove);
      return true;
    });
    views.forEach((service, view) -> bound.computeIfAbsent(service, s -> new Bound(view, register(view))));
  }

  private List<Meter> register(ServiceView view) {
    Tags viewTags = tags.and("service", view.service());
    // A local: a function that read the field would hold this, and through it every view, strongly.
    Clock now = clock;
    return List.of(
        Gauge.builder("discovery.view.instances", view, v -> v.snapshot().instances().size())
            .tags(viewTags)
            .description("Instances in the client's view of the service")
            .register(registry),
        TimeGauge.builder("discovery.view.age", view, TimeUnit.SECONDS, v -> ageSeconds(v.snapshot(), now))
            .tags(viewTags)
            .description("Time since the client last heard from the registry about the service; grows while nothing changes")
            .register(registry),
        Gauge.builder("discovery.view.stale", view, v -> v.snapshot().stale() ? 1 : 0)
            .tags(viewTags)
            .description("1 while the view may not be what the registry holds (unreachable, not answered yet, held or restored), else 0")
            .register(registry));
  }

  private static double ageSeconds(Snapshot snapshot, Clock clock) {
    Duration age = Duration.between(snapshot.updatedAt(), clock.instant());
    return age.isNegative() ? 0 : age.toNanos() / 1e9;
  }
}
