package io.discovery.client.consul;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the fake agent refuses in a service definition, in the order and with the messages of
 * agent/agent_endpoint.go AgentRegisterService and agent/structs/structs.go (ValidateWeights,
 * ValidateServiceMetadata): all 400 except the script-check refusal (a plain error: 500).
 */
final class FakeConsulRules {
  /** agent/agent.go addCheck, for a check with Args while enable_script_checks is off. */
  static final String SCRIPTS_DISABLED =
      "Scripts are disabled on this agent from remote calls; to enable, configure 'enable_script_checks' to true";
  private static final Pattern META_KEY = Pattern.compile("[a-zA-Z0-9_-]+");
  private static final int META_MAX_PAIRS = 64;
  private static final int META_KEY_MAX = 128;
  private static final int META_VALUE_MAX = 512;

  private FakeConsulRules() {
  }

  /** The 400 message for an address that means any interface (ipaddr.IsAny), checked before the ACL; or null. */
  static String invalidAddress(JsonNode def) {
    String address = def.path("Address").asText("");
    return address.equals("0.0.0.0") || address.equals("::") || address.equals("[::]") ? "Invalid service address" : null;
  }

  /** The 400 message for invalid weights or meta, checked after the ACL; or null. */
  static String invalidService(JsonNode def) {
    JsonNode weights = def.path("Weights");
    if (weights.isObject()) {
      int passing = weights.path("Passing").asInt(0);
      int warning = weights.path("Warning").asInt(0);
      if (passing < 1) {
        return "Invalid Weights: Passing must be greater than 0";
      }
      if (warning < 0) {
        return "Invalid Weights: Warning must be greater or equal than 0";
      }
      if (passing > 65_535 || warning > 65_535) {
        return "Invalid Weights: DNS Weight must be between 0 and 65535";
      }
    }
    JsonNode meta = def.path("Meta");
    if (meta.size() > META_MAX_PAIRS) {
      return "Invalid Service Meta: Node metadata cannot contain more than " + META_MAX_PAIRS + " key/value pairs";
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> pair = it.next();
      String key = pair.getKey();
      String value = pair.getValue().asText();
      String problem = null;
      if (key.isEmpty()) {
        problem = "Key cannot be blank";
      } else if (!META_KEY.matcher(key).matches()) {
        problem = "Key contains invalid characters";
      } else if (key.length() > META_KEY_MAX) {
        problem = "Key is too long (limit: " + META_KEY_MAX + " characters)";
      } else if (key.startsWith("consul-")) {
        problem = "Key prefix 'consul-' is reserved for internal use";
      } else if (value.getBytes(StandardCharsets.UTF_8).length > META_VALUE_MAX) { // Go's len(): bytes
        problem = "Value is too long (limit: " + META_VALUE_MAX + " characters)";
      }
      if (problem != null) {
        return "Invalid Service Meta: Couldn't load metadata pair ('" + key + "', '" + value + "'): " + problem;
      }
    }
    return null;
  }
}
