package io.discovery.agent.console;

import io.discovery.client.consul.ConsulBackend;
import io.discovery.client.consul.CriticalCheck;
import java.util.List;

/** Where the console reads the health checks that fail now; only Consul reports them. */
@FunctionalInterface
public interface CriticalChecks {

  /**
   * The checks critical now, of every service and node.
   *
   * @throws io.discovery.client.DiscoveryException when the registry cannot answer
   */
  List<CriticalCheck> critical();

  /** The critical checks of the Consul agent behind {@code consul} ({@code /v1/health/state/critical}). */
  static CriticalChecks of(ConsulBackend consul) {
    return () -> consul.critical(null);
  }
}
