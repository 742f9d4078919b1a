package io.discovery.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.discovery.client.internal.InstanceCodec;
import io.discovery.client.time.ScheduledTask;
import io.discovery.client.time.Scheduler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last good snapshot of each view on disk, one file per service ({@code <service>.json}), so that
 * a process starting while its registry is down starts from the instances it last saw. Writes are
 * debounced ({@value #DEBOUNCE_MILLIS} ms after a change, the latest wins) and atomic (a temporary
 * file renamed over the old one). A file that is corrupt, truncated, of another format or another
 * service, or older than the maximum age is logged once and ignored.
 */
final class SnapshotStore {
  private static final Logger log = LoggerFactory.getLogger(SnapshotStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String FORMAT = "discovery-snapshot/1";
  static final long DEBOUNCE_MILLIS = 1000;

  private final Path directory;
  private final Duration maxAge;
  private final Scheduler scheduler;
  /** Guarded by this: the snapshot waiting to be written, and its scheduled write, per service. */
  private final Map<String, Snapshot> pending = new HashMap<>();
  private final Map<String, ScheduledTask> writes = new HashMap<>();
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  SnapshotStore(Path directory, Duration maxAge, Scheduler scheduler) {
    this.directory = directory;
    this.maxAge = maxAge;
    this.scheduler = scheduler;
  }

  /** The saved snapshot of {@code service}, restored and stale, if a usable one is on disk. */
  Optional<Snapshot> load(String service) {
    Path file = file(service);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      reportOnce(file, "unreadable: " + e);
      return Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(text);
      if (node == null || !FORMAT.equals(node.path("format").asText()) || !service.equals(node.path("service").asText())) {
        reportOnce(file, "not a " + FORMAT + " snapshot of '" + service + "'");
        return Optional.empty();
      }
      Instant savedAt = Instant.ofEpochMilli(node.path("savedAt").asLong());
      Duration age = Duration.between(savedAt, scheduler.clock().instant());
      if (age.compareTo(maxAge) > 0) {
        reportOnce(file, "saved " + age + " ago, older than the maximum age of " + maxAge);
        return Optional.empty();
      }
      List<ServiceInstance> instances = new ArrayList<>();
      for (JsonNode instance : node.path("instances")) {
        instances.add(InstanceCodec.fromJson(instance.toString()));
      }
      return Optional.of(new Snapshot(service, instances, node.path("revision").asLong(), savedAt, true, false, false, true, false));
    } catch (IOException | RuntimeException e) {
      reportOnce(file, "corrupt: " + e.getMessage());
      return Optional.empty();
    }
  }

  /** Saves {@code snapshot} a moment from now, replacing any write of the same service still waiting. */
  synchronized void save(Snapshot snapshot) {
    String service = snapshot.service();
    pending.put(service, snapshot);
    if (!writes.containsKey(service)) {
      writes.put(service, scheduler.schedule(() -> writeNow(service), Duration.ofMillis(DEBOUNCE_MILLIS)));
    }
  }

  /** Writes every pending snapshot now; on close. */
  void flush() {
    List<String> services;
    synchronized (this) {
      writes.values().forEach(ScheduledTask::cancel);
      writes.clear();
      services = new ArrayList<>(pending.keySet());
    }
    services.forEach(this::writeNow);
  }

  private void writeNow(String service) {
    Snapshot snapshot;
    synchronized (this) {
      writes.remove(service);
      snapshot = pending.remove(service);
    }
    if (snapshot == null) {
      return;
    }
    ObjectNode node = JSON.createObjectNode()
        .put("format", FORMAT)
        .put("service", service)
        .put("revision", snapshot.revision())
        .put("savedAt", scheduler.clock().millis());
    ArrayNode instances = node.putArray("instances");
    for (ServiceInstance instance : snapshot.instances()) {
      try {
        instances.add(JSON.readTree(InstanceCodec.toJson(instance)));
      } catch (IOException e) {
        throw new IllegalStateException("the codec wrote JSON it cannot read back", e);
      }
    }
    Path file = file(service);
    try {
      Files.createDirectories(directory);
      Path temp = Files.createTempFile(directory, service + ".", ".tmp");
      Files.writeString(temp, node.toString(), StandardCharsets.UTF_8);
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      reportOnce(file, "could not be written: " + e);
    }
  }

  private Path file(String service) {
    return directory.resolve(service + ".json");
  }

  private void reportOnce(Path file, String what) {
    if (reported.add(file + what)) {
      log.warn("ignoring the snapshot file {}: {}", file, what);
    }
  }
}
