package io.discovery.agent.console;

import io.discovery.client.Snapshot;
import io.discovery.client.consul.CriticalCheck;
import java.util.List;
import java.util.Optional;

/**
 * What the console shows at one moment: immutable, compared whole so that an unchanged state is not
 * pushed again. Holds no clock reading; ages are computed when it is written out.
 *
 * @param registry      the registry URI, without secrets
 * @param listingError  why the last listing of services failed, or null when it succeeded
 * @param checksKnown   whether the registry reports health checks (Consul)
 * @param checksError   why the last read of the critical checks failed, or null
 * @param nodeChecks    critical checks of nodes rather than services (they take every instance on the node out)
 * @param services      the services listed, by name
 */
record ConsoleState(String registry, String listingError, boolean checksKnown, String checksError,
                    List<CriticalCheck> nodeChecks, List<Service> services) {

  ConsoleState {
    nodeChecks = List.copyOf(nodeChecks);
    services = List.copyOf(services);
  }

  /** The service named {@code name} (lower case), when it is listed. */
  Optional<Service> service(String name) {
    return services.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /**
   * One listed service.
   *
   * @param name     the service name, lower case
   * @param snapshot the console's view of it now
   * @param critical its critical checks (empty unless the registry reports checks)
   */
  record Service(String name, Snapshot snapshot, List<CriticalCheck> critical) {
    Service {
      critical = List.copyOf(critical);
    }
  }
}
