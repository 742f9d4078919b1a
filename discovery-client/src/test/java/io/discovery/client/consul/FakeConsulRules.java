package io.discovery.client.consul;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/** What the fake agent refuses in a service definition, with Consul's messages (agent/structs/structs.go, agent/agent.go). */
final class FakeConsulRules {
  /** agent/agent.go, for a check with Args while enable_script_checks is off (a 500). */
  static final String SCRIPTS_DISABLED = "Scripts are disabled on this agent from remote calls; to enable, configure"
      + " the 'enable_script_checks' or 'enable_local_script_checks' option";
  private static final Pattern META_KEY = Pattern.compile("[a-zA-Z0-9_-]+");
  private static final int META_MAX_PAIRS = 64;
  private static final int META_KEY_MAX = 128;
  private static final int META_VALUE_MAX = 512;

  private FakeConsulRules() {
  }

  /** The 400 message for an invalid definition, or null. */
  static String invalidService(JsonNode def) {
    JsonNode meta = def.path("Meta");
    if (meta.size() > META_MAX_PAIRS) {
      return "Invalid Service Meta: Node metadata cannot contain more than " + META_MAX_PAIRS + " key/value pairs";
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> pair = it.next();
      String key = pair.getKey();
      if (key.isEmpty()) {
        return "Invalid Service Meta: Key cannot be blank";
      }
      if (!META_KEY.matcher(key).matches()) {
        return "Invalid Service Meta: Key contains invalid characters";
      }
      if (key.length() > META_KEY_MAX) {
        return "Invalid Service Meta: Key is too long (limit: " + META_KEY_MAX + " characters)";
      }
      if (key.startsWith("consul-")) {
        return "Invalid Service Meta: Key prefix 'consul-' is reserved for internal use";
      }
      if (pair.getValue().asText().getBytes(StandardCharsets.UTF_8).length > META_VALUE_MAX) {
        return "Invalid Service Meta: Value is too long (limit: " + META_VALUE_MAX + " characters)";
      }
    }
    JsonNode weights = def.path("Weights");
    if (weights.isObject()) {
      int passing = weights.path("Passing").asInt(1);
      if (passing < 1 || passing > 65_535) {
        return "Invalid Weights: Passing must be between 1 and 65535";
      }
    }
    String address = def.path("Address").asText("");
    if (address.equals("0.0.0.0") || address.equals("::") || address.equals("[::]")) {
      return "Invalid Service Address: \"" + address + "\" is not a valid address for a service";
    }
    return null;
  }
}
