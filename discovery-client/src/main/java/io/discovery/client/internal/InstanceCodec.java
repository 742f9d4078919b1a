package io.discovery.client.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.discovery.client.ServiceInstance;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON form of a {@link ServiceInstance}, shared by backends that store it as a value:
 * {@code {"service","id","host","port","secure","metadata","weight","zone"}}. Reading is lenient for
 * forward compatibility: unknown fields are ignored, missing optional fields take their defaults.
 */
public final class InstanceCodec {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private InstanceCodec() {
  }

  /**
   * The instance as compact JSON, which {@link #fromJson} reads back to an equal instance.
   *
   * @param instance the instance
   * @return one line of JSON
   */
  public static String toJson(ServiceInstance instance) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("service", instance.service());
    node.put("id", instance.id());
    node.put("host", instance.host());
    node.put("port", instance.port());
    node.put("secure", instance.secure());
    ObjectNode metadata = node.putObject("metadata");
    instance.metadata().forEach(metadata::put);
    node.put("weight", instance.weight());
    if (instance.zone() != null) {
      node.put("zone", instance.zone());
    }
    return node.toString();
  }

  /**
   * Parses an instance; throws {@link IllegalArgumentException} saying what is wrong when the text
   * is not JSON, lacks a required field ({@code service, id, host, port}) or holds an invalid value.
   *
   * @param json the text, as {@link #toJson} writes it
   * @return the instance
   * @throws IllegalArgumentException if the text is not a valid instance
   */
  public static ServiceInstance fromJson(String json) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    JsonNode meta = node.path("metadata");
    if (meta.isObject()) {
      meta.properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asText()));
    } else if (!meta.isMissingNode() && !meta.isNull()) {
      throw new IllegalArgumentException("field 'metadata' must be an object, got " + meta.getNodeType());
    }
    JsonNode zone = node.path("zone");
    return new ServiceInstance(
        requiredText(node, "service"),
        requiredText(node, "id"),
        requiredText(node, "host"),
        requiredInt(node, "port"),
        node.path("secure").asBoolean(false),
        metadata,
        node.has("weight") ? requiredInt(node, "weight") : 1,
        zone.isTextual() ? zone.asText() : null);
  }

  private static String requiredText(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("field '" + field + "' must be a string, got " + value);
    }
    return value.asText();
  }

  private static int requiredInt(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.canConvertToInt() || !value.isIntegralNumber()) {
      throw new IllegalArgumentException("field '" + field + "' must be an integer, got " + value);
    }
    return value.intValue();
  }
}
