package io.discovery.zookeeper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.discovery.client.ServiceInstance;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Apache Curator x-discovery's instance JSON, written the way Spring Cloud Zookeeper writes it so that
 * Curator and Spring readers of that payload type see our instances:
 * {@code {"name","id","address","port","sslPort","payload","registrationTimeUTC","serviceType","uriSpec"}}
 * with a payload of class {@value #SPRING_PAYLOAD} holding {@code id}, {@code name} and a string
 * {@code metadata} map. Our weight and zone travel in that map under {@value #WEIGHT} and
 * {@value #ZONE}, next to Spring's {@value #STATUS}.
 *
 * <p>Reading is lenient: any payload or none, {@code @class} ignored, unknown fields ignored. A secure
 * instance is written with its port in {@code sslPort} and a null {@code port}, as Curator's
 * {@code ServiceInstance.buildUriSpec} expects.
 */
final class CuratorInstanceCodec {
  static final String SPRING_PAYLOAD = "org.springframework.cloud.zookeeper.discovery.ZookeeperInstance";
  static final String STATUS = "instance_status";
  static final String WEIGHT = "discovery.weight";
  static final String ZONE = "discovery.zone";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private CuratorInstanceCodec() {
  }

  static byte[] write(ServiceInstance instance, long registrationTimeUtcMillis) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("name", instance.service());
    node.put("id", instance.id());
    node.put("address", instance.host());
    if (instance.secure()) {
      node.putNull("port");
      node.put("sslPort", instance.port());
    } else {
      node.put("port", instance.port());
      node.putNull("sslPort");
    }
    ObjectNode payload = node.putObject("payload");
    payload.put("@class", SPRING_PAYLOAD);
    payload.put("id", instance.id());
    payload.put("name", instance.service());
    ObjectNode metadata = payload.putObject("metadata");
    instance.metadata().forEach(metadata::put);
    if (!metadata.has(STATUS)) {
      metadata.put(STATUS, "UP");
    }
    if (instance.weight() != 1) {
      metadata.put(WEIGHT, Integer.toString(instance.weight()));
    }
    if (instance.zone() != null) {
      metadata.put(ZONE, instance.zone());
    }
    node.put("registrationTimeUTC", registrationTimeUtcMillis);
    node.put("serviceType", "DYNAMIC");
    ArrayNode parts = node.putObject("uriSpec").putArray("parts");
    part(parts, "scheme", true);
    part(parts, "://", false);
    part(parts, "address", true);
    part(parts, ":", false);
    part(parts, "port", true);
    node.put("enabled", !instance.outOfService());
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void part(ArrayNode parts, String value, boolean variable) {
    parts.addObject().put("value", value).put("variable", variable);
  }

  /**
   * The instance in {@code data} of node {@code id} under {@code service}, or null if it is out of
   * service or disabled; throws {@link IllegalArgumentException} saying what is wrong when malformed.
   */
  static ServiceInstance read(String service, String id, byte[] data) {
    JsonNode node;
    try {
      node = data == null ? null : MAPPER.readTree(data);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("unreadable: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("expected a Curator ServiceInstance JSON object");
    }
    if (!node.path("enabled").asBoolean(true)) {
      return null;
    }
    JsonNode address = node.get("address");
    if (address == null || !address.isTextual()) {
      throw new IllegalArgumentException("field 'address' must be a string, got " + address);
    }
    JsonNode sslPort = node.path("sslPort");
    boolean secure = sslPort.isIntegralNumber();
    JsonNode port = secure ? sslPort : node.path("port");
    if (!port.isIntegralNumber() || !port.canConvertToInt()) {
      throw new IllegalArgumentException("field 'port' or 'sslPort' must be an integer, got " + node.get("port"));
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    JsonNode meta = metadataOf(node.path("payload"));
    if (meta.isObject()) {
      meta.properties().forEach(e -> {
        if (!e.getKey().equals("@class") && e.getValue().isValueNode() && !e.getValue().isNull()) {
          metadata.put(e.getKey(), e.getValue().asText());
        }
      });
    }
    if ("OUT_OF_SERVICE".equalsIgnoreCase(metadata.remove(STATUS))) {
      return null;
    }
    String weight = metadata.remove(WEIGHT);
    String zone = metadata.remove(ZONE);
    int parsedWeight;
    try {
      parsedWeight = weight == null ? 1 : Integer.parseInt(weight);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("metadata '" + WEIGHT + "' must be an integer, got '" + weight + "'");
    }
    // The node name is the id (Curator names nodes by id), so removal by path always finds it.
    return new ServiceInstance(service, id, address.asText(), port.intValue(), secure, metadata, parsedWeight, zone);
  }

  /**
   * The metadata map of a payload: Spring's {@code payload.metadata}, or the payload's own fields for
   * a plain map payload; Jackson's wrapper-array type form ({@code ["class", {...}]}) is unwrapped.
   */
  private static JsonNode metadataOf(JsonNode payload) {
    if (payload.isArray() && payload.size() == 2 && payload.get(0).isTextual()) {
      payload = payload.get(1);
    }
    if (!payload.isObject()) {
      return MAPPER.createObjectNode();
    }
    JsonNode nested = payload.get("metadata");
    return nested != null && nested.isObject() ? nested : payload;
  }
}
