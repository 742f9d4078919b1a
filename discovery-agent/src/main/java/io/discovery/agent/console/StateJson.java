package io.discovery.agent.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.discovery.client.ServiceInstance;
import io.discovery.client.Snapshot;
import io.discovery.client.consul.CriticalCheck;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The console's JSON: the whole state ({@code /api/services} and each server-sent event) and one
 * service ({@code /api/services/<name>}). Registry data can hold anything, so {@code < > & '} and
 * the JavaScript line separators are written as {@code \\uXXXX}: the JSON stays inert even if
 * something pastes it into HTML.
 */
final class StateJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    JSON.getFactory().setCharacterEscapes(new HtmlSafeEscapes());
  }

  private StateJson() {
  }

  /** The whole state as one line of JSON, with ages as of {@code now}. */
  static String write(ConsoleState state, Instant now) {
    return write(state(state, now));
  }

  /** {@code node} as one line of HTML-safe JSON. */
  static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written: " + e.getMessage(), e);
    }
  }

  static ObjectNode state(ConsoleState state, Instant now) {
    ObjectNode root = JSON.createObjectNode();
    root.put("registry", state.registry());
    root.put("now", now.toString());
    root.put("listingError", state.listingError());
    root.put("checksKnown", state.checksKnown());
    root.put("checksError", state.checksError());
    checks(root.putArray("nodeChecks"), state.nodeChecks());
    ArrayNode services = root.putArray("services");
    state.services().forEach(s -> services.add(service(s, state.checksKnown(), now)));
    return root;
  }

  /**
   * One service: its instances, its view's flags and age, and (Consul only) its health: the passing
   * instances the view holds and the critical checks that keep others out.
   */
  static ObjectNode service(ConsoleState.Service service, boolean checksKnown, Instant now) {
    Snapshot s = service.snapshot();
    ObjectNode node = JSON.createObjectNode();
    node.put("name", service.name());
    node.put("revision", s.revision());
    node.put("updatedAt", s.updatedAt().toString());
    node.put("ageMillis", Math.max(0, Duration.between(s.updatedAt(), now).toMillis()));
    node.put("stale", s.stale());
    node.put("loaded", s.loaded());
    node.put("held", s.held());
    node.put("restored", s.restored());
    node.put("partial", s.partial());
    ArrayNode instances = node.putArray("instances");
    s.instances().forEach(i -> instances.add(instance(i)));
    if (checksKnown) {
      ObjectNode health = node.putObject("health");
      health.put("passing", s.instances().size());
      checks(health.putArray("critical"), service.critical());
    } else {
      node.putNull("health");
    }
    return node;
  }

  private static ObjectNode instance(ServiceInstance i) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", i.id());
    node.put("host", i.host());
    node.put("port", i.port());
    node.put("hostPort", i.hostPort());
    node.put("zone", i.zone());
    node.put("weight", i.weight());
    node.put("secure", i.secure());
    ObjectNode metadata = node.putObject("metadata");
    i.metadata().forEach(metadata::put);
    return node;
  }

  private static void checks(ArrayNode array, List<CriticalCheck> checks) {
    for (CriticalCheck c : checks) {
      array.addObject().put("node", c.node()).put("checkId", c.checkId()).put("name", c.name()).put("output", c.output())
          .put("serviceId", c.serviceId()).put("serviceName", c.serviceName());
    }
  }

  /** JSON's own escapes plus {@code < > & '} and U+2028/U+2029, each as {@code \\uXXXX}. */
  private static final class HtmlSafeEscapes extends CharacterEscapes {
    private static final SerializedString LINE_SEPARATOR = new SerializedString("\\u2028");
    private static final SerializedString PARAGRAPH_SEPARATOR = new SerializedString("\\u2029");
    private final int[] ascii;

    HtmlSafeEscapes() {
      ascii = standardAsciiEscapesForJSON();
      for (char c : new char[] {'<', '>', '&', '\''}) {
        ascii[c] = ESCAPE_STANDARD;
      }
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return ch == 0x2028 ? LINE_SEPARATOR : ch == 0x2029 ? PARAGRAPH_SEPARATOR : null;
    }
  }
}
