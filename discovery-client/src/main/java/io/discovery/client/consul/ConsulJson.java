package io.discovery.client.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.discovery.client.ServiceInstance;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Our instances in Consul's service definition and health JSON. Metadata becomes {@code Meta}, except
 * {@value #TAGS} (comma-separated), which becomes {@code Tags}; the weight is {@code Weights.Passing};
 * the zone and the secure flag are the {@code Meta} keys {@value #ZONE} and {@value #SECURE}, as
 * Spring Cloud Consul writes them. So an instance reads back exactly as it was registered.
 */
final class ConsulJson {
  static final String TAGS = "tags";
  static final String ZONE = "zone";
  static final String SECURE = "secure";
  private static final Pattern META_KEY = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  private ConsulJson() {
  }

  /** The id of the TTL check the heartbeat passes: Consul's own default for a service's first check. */
  static String ttlCheckId(ServiceInstance instance) {
    return "service:" + instance.id();
  }

  /** Consul's bounds on {@code Weights.Passing} (agent/structs/structs.go). */
  static final int MAX_WEIGHT = 65_535;
  /** Consul's limits on {@code Meta} (agent/structs/structs.go: metaMaxKeyPairs, metaValueMaxLength). */
  static final int MAX_META_PAIRS = 64;
  static final int MAX_META_VALUE_BYTES = 512;

  /**
   * Refuses what the agent would answer with a 400 (agent/structs/structs.go,
   * https://developer.hashicorp.com/consul/docs/services/configuration/services-configuration-reference#meta):
   * meta keys outside {@code [A-Za-z0-9_-]{1,128}} or starting with {@code consul-}, meta values over
   * 512 bytes, more than 64 meta pairs (counted as sent, zone and secure included), a weight outside
   * 1 to 65535, and an address that means "any" (0.0.0.0, ::).
   */
  static void validate(ServiceInstance instance) {
    Map<String, String> meta = instance.metadata();
    for (Map.Entry<String, String> e : meta.entrySet()) {
      String key = e.getKey();
      if (key.equals(ZONE) || key.equals(SECURE)) {
        throw new IllegalArgumentException("invalid metadata key '" + key + "' of instance '" + instance.id()
            + "': reserved in Consul for the instance's " + key + "; use ServiceInstance.Builder." + (key.equals(ZONE) ? "zone()" : "secure()"));
      }
      if (key.equals(TAGS)) {
        continue;
      }
      if (!META_KEY.matcher(key).matches() || key.startsWith("consul-")) {
        throw new IllegalArgumentException("invalid metadata key '" + key + "' of instance '" + instance.id()
            + "' for Consul: expected 1 to 128 letters, digits, '_' or '-', not starting with 'consul-'");
      }
      int bytes = e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      if (bytes > MAX_META_VALUE_BYTES) {
        throw new IllegalArgumentException("invalid metadata value of '" + key + "' of instance '" + instance.id()
            + "' for Consul: " + bytes + " bytes in UTF-8, at most " + MAX_META_VALUE_BYTES + " allowed");
      }
    }
    int pairs = meta.size() - (meta.containsKey(TAGS) ? 1 : 0) + (instance.zone() != null ? 1 : 0) + (instance.secure() ? 1 : 0);
    if (pairs > MAX_META_PAIRS) {
      throw new IllegalArgumentException("instance '" + instance.id() + "' would send " + pairs
          + " Meta pairs to Consul (its metadata without 'tags', plus zone and secure when set): Consul allows " + MAX_META_PAIRS);
    }
    if (instance.weight() > MAX_WEIGHT) {
      throw new IllegalArgumentException("invalid weight " + instance.weight() + " of instance '" + instance.id()
          + "' for Consul: Weights.Passing must be 1 to " + MAX_WEIGHT);
    }
    if (isAnyAddress(instance.host())) {
      throw new IllegalArgumentException("invalid address '" + instance.host() + "' of instance '" + instance.id()
          + "' for Consul: it refuses an address that means any interface; register the address callers should use");
    }
  }

  private static boolean isAnyAddress(String host) {
    if (host.equals("0.0.0.0")) {
      return true;
    }
    if (host.indexOf(':') < 0) {
      return false;
    }
    try {
      return java.net.InetAddress.getByName(host).isAnyLocalAddress(); // an IPv6 literal: no lookup
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  static ObjectNode registration(ServiceInstance instance, Duration ttl, Duration deregisterAfter, List<ConsulCheck> extra) {
    ObjectNode body = ConsulBackend.JSON.createObjectNode();
    body.put("ID", instance.id());
    body.put("Name", instance.service());
    ArrayNode tags = body.putArray("Tags");
    String tagList = instance.metadata().get(TAGS);
    if (tagList != null && !tagList.isEmpty()) {
      for (String tag : tagList.split(",")) {
        tags.add(tag);
      }
    }
    body.put("Address", instance.host());
    body.put("Port", instance.port());
    ObjectNode meta = body.putObject("Meta");
    instance.metadata().forEach((k, v) -> {
      if (!k.equals(TAGS)) {
        meta.put(k, v);
      }
    });
    if (instance.zone() != null) {
      meta.put(ZONE, instance.zone());
    }
    if (instance.secure()) {
      meta.put(SECURE, "true");
    }
    body.putObject("Weights").put("Passing", instance.weight()).put("Warning", 1);
    ArrayNode checks = body.putArray("Checks");
    String after = deregisterAfter.toSeconds() + "s";
    checks.addObject()
        .put("CheckID", ttlCheckId(instance))
        .put("Name", "discovery heartbeat")
        .put("TTL", ttl.toMillis() + "ms")
        .put("Status", "passing")
        .put("DeregisterCriticalServiceAfter", after);
    int n = 2;
    for (ConsulCheck check : extra) {
      ObjectNode c = checks.addObject()
          .put("CheckID", ttlCheckId(instance) + ":" + n++)
          .put("Name", check.kind() + " check")
          .put("Interval", check.interval().toMillis() + "ms");
      switch (check.kind()) {
        case "http" -> c.put("HTTP", check.url(instance));
        case "tcp" -> c.put("TCP", instance.hostPort());
        default -> check.args().forEach(c.putArray("Args")::add);
      }
      if (check.timeout() != null) {
        c.put("Timeout", check.timeout().toMillis() + "ms");
      }
    }
    return body;
  }

  /**
   * The instance of one {@code /v1/health/service} entry; throws {@link IllegalArgumentException} when
   * it is malformed. An empty {@code Service.Address} means the node's address.
   */
  static ServiceInstance instance(String service, JsonNode entry) {
    JsonNode s = entry.path("Service");
    if (!s.isObject()) {
      throw new IllegalArgumentException("entry has no Service object");
    }
    if (!service.equalsIgnoreCase(s.path("Service").asText())) { // names are case-insensitive, as in Consul's catalog
      throw new IllegalArgumentException("entry is of service '" + s.path("Service").asText() + "'");
    }
    String address = s.path("Address").asText("");
    if (address.isEmpty()) {
      address = entry.path("Node").path("Address").asText("");
    }
    JsonNode port = s.path("Port");
    if (!port.isIntegralNumber()) {
      throw new IllegalArgumentException("Service.Port must be an integer, got " + port);
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    s.path("Meta").properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asText()));
    String zone = metadata.remove(ZONE);
    boolean secure = "true".equals(metadata.remove(SECURE));
    List<String> tags = new java.util.ArrayList<>();
    s.path("Tags").forEach(t -> tags.add(t.asText()));
    if (!tags.isEmpty()) {
      metadata.put(TAGS, String.join(",", tags));
    }
    int weight = s.path("Weights").path("Passing").asInt(1);
    return new ServiceInstance(service, s.path("ID").asText(), address, port.intValue(), secure, metadata,
        Math.max(1, weight), zone);
  }

  /**
   * The instances with every id that more than one node reports qualified as {@code <id>@<node>}: a
   * service ID is unique per agent only and defaults to the service name, so three nodes running
   * "web" all report ID "web" (Consul's catalog keys on node + ID). Ids unique in the answer stay as
   * registered.
   */
  static List<ServiceInstance> qualifySharedIds(List<ServiceInstance> instances, List<String> nodes) {
    Map<String, Integer> counts = new java.util.HashMap<>();
    instances.forEach(i -> counts.merge(i.id(), 1, Integer::sum));
    if (counts.size() == instances.size()) {
      return instances;
    }
    List<ServiceInstance> qualified = new java.util.ArrayList<>(instances.size());
    for (int i = 0; i < instances.size(); i++) {
      ServiceInstance instance = instances.get(i);
      qualified.add(counts.get(instance.id()) > 1 ? qualify(instance, nodes.get(i)) : instance);
    }
    return qualified;
  }

  private static ServiceInstance qualify(ServiceInstance instance, String node) {
    try {
      return instance.toBuilder().id(instance.id() + "@" + node).build();
    } catch (IllegalArgumentException notAnIdCharacter) {
      return instance.toBuilder().id(instance.id() + "@" + instance.hostPort()).build();
    }
  }
}
