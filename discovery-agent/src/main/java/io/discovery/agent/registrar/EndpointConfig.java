package io.discovery.agent.registrar;

import io.discovery.client.ServiceInstance;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One endpoint the registrar fronts: registered as {@link #instance()} while its check passes.
 *
 * @param name     service name
 * @param address  host:port the service listens on, registered as is
 * @param id       instance id; default {@code <name>-<host>-<port>}, so a restarted registrar replaces
 *                 its own entries
 * @param zone     availability zone, or null
 * @param weight   relative traffic share, 1 to 1,000,000 (default 1)
 * @param metadata string pairs registered with the instance
 * @param check    how to check it
 * @param rise     consecutive passes before it is registered (default 2)
 * @param fall     consecutive failures before it is deregistered (default 2)
 */
public record EndpointConfig(String name, String address, String id, String zone, Integer weight,
                             Map<String, String> metadata, CheckConfig check, Integer rise, Integer fall) {
  private static final int MAX_THRESHOLD = 100;

  public EndpointConfig {
    if (name == null) {
      throw new InvalidField("name", "missing: expected the service name, e.g. legacy-billing");
    }
    try {
      ServiceInstance.builder(name, "127.0.0.1:1");
    } catch (IllegalArgumentException e) {
      throw new InvalidField("name", e.getMessage());
    }
    if (address == null) {
      throw new InvalidField("address", "missing: expected host:port, e.g. 127.0.0.1:9201");
    }
    try {
      ServiceInstance.builder(name, address);
    } catch (IllegalArgumentException e) {
      throw new InvalidField("address", e.getMessage());
    }
    weight = weight == null ? 1 : weight;
    if (weight < 1 || weight > ServiceInstance.MAX_WEIGHT) {
      throw new InvalidField("weight", "invalid weight " + weight + ": expected 1 to " + ServiceInstance.MAX_WEIGHT);
    }
    TreeMap<String, String> copy = new TreeMap<>();
    if (metadata != null) {
      for (Map.Entry<String, String> e : metadata.entrySet()) {
        if (e.getValue() == null) {
          throw new InvalidField(List.of("metadata", e.getKey()), "empty value: expected a string (quote it: \"\")");
        }
        copy.put(e.getKey(), e.getValue());
      }
    }
    metadata = java.util.Collections.unmodifiableMap(copy);
    rise = threshold(rise, "rise", "passes before it is registered");
    fall = threshold(fall, "fall", "failures before it is deregistered");
    if (zone != null && zone.isBlank()) {
      zone = null;
    }
    if (check == null) {
      throw new InvalidField("check", "missing: expected one of http, tcp or script, e.g. check: { tcp: true, interval: 2s }");
    }
    if (id != null) {
      try {
        ServiceInstance.builder(name, address).id(id).build();
      } catch (IllegalArgumentException e) {
        throw new InvalidField("id", e.getMessage());
      }
    }
  }

  private static int threshold(Integer value, String field, String what) {
    if (value == null) {
      return 2;
    }
    if (value < 1 || value > MAX_THRESHOLD) {
      throw new InvalidField(field, "invalid " + field + " " + value + ": expected 1 to " + MAX_THRESHOLD
          + " consecutive " + what);
    }
    return value;
  }

  /** The instance registered while the check passes. */
  public ServiceInstance instance() {
    ServiceInstance.Builder b = ServiceInstance.builder(name, address).weight(weight).zone(zone);
    metadata.forEach(b::metadata);
    if (id != null) {
      b.id(id);
    }
    return b.build();
  }

  /** Service, address and id: what makes two entries the same endpoint across reloads. */
  public String key() {
    ServiceInstance instance = instance();
    return instance.service() + " " + address + " " + instance.id();
  }

  /** "legacy-billing 127.0.0.1:9201": how log lines name this endpoint. */
  public String label() {
    return name + " " + address;
  }
}
