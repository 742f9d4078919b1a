package io.discovery.agent.render;

import io.discovery.client.ServiceInstance;
import io.discovery.client.Snapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a template sees: {@code services.<name>}, the instances of each service (name in lower case),
 * in the snapshot's order (by id), each with {@code host}, {@code port}, {@code hostPort}, {@code id},
 * {@code zone}, {@code weight}, {@code secure} and {@code metadata} (a map: {@code metadata.role}).
 */
final class TemplateModel {
  private TemplateModel() {
  }

  static Map<String, Object> of(List<Snapshot> snapshots) {
    Map<String, Object> services = new LinkedHashMap<>();
    for (Snapshot snapshot : snapshots) {
      services.put(snapshot.service(), snapshot.instances().stream().map(TemplateModel::instance).toList());
    }
    return Map.of("services", services);
  }

  private static Map<String, Object> instance(ServiceInstance instance) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", instance.id());
    m.put("host", instance.host());
    m.put("port", instance.port());
    m.put("hostPort", instance.hostPort());
    m.put("weight", instance.weight());
    m.put("secure", instance.secure());
    if (instance.zone() != null) {
      m.put("zone", instance.zone());
    }
    m.put("metadata", instance.metadata());
    return m;
  }
}
