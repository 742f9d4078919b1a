package io.discovery.agent.registrar;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The registrar's config file: the endpoints it registers while their checks pass.
 *
 * <pre>{@code
 * services:
 *   - name: legacy-billing
 *     address: 127.0.0.1:9201
 *     check: { http: "http://127.0.0.1:9201/health", interval: 2s, timeout: 1s }
 * }</pre>
 *
 * @param services the endpoints, each with a distinct service and id
 */
public record RegistrarConfig(List<EndpointConfig> services) {

  public RegistrarConfig {
    if (services == null) {
      throw new InvalidField("services", "missing: expected a list of services, each with name, address and check");
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < services.size(); i++) {
      EndpointConfig endpoint = services.get(i);
      if (endpoint == null) {
        throw new InvalidField(List.of("services", i), "empty entry: expected name, address and check");
      }
      String identity = endpoint.instance().service() + "/" + endpoint.instance().id();
      Integer first = seen.putIfAbsent(identity, i);
      if (first != null) {
        throw new InvalidField(List.of("services", i), "same service and instance id '" + endpoint.instance().id()
            + "' as services[" + first + "]: give one of them another id");
      }
    }
    services = List.copyOf(services);
  }

  /**
   * Parses {@code yaml}; {@code source} names it in errors (the file name).
   *
   * @throws ConfigException naming the line and field of the first bad value
   */
  public static RegistrarConfig parse(String yaml, String source) {
    return ConfigParser.parse(yaml, source);
  }

  /** Reads and parses {@code file}; see {@link #parse}. */
  public static RegistrarConfig load(Path file) {
    return ConfigParser.load(file);
  }
}
