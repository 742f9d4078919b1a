package io.discovery.client.etcd;

import io.discovery.client.DiscoveryClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** Clients (and servers) an etcd test opens, closed after each test in reverse order. */
abstract class EtcdClients {
  final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.remove(i).close();
    }
  }

  /** A client of {@code registryUri} with {@code ttl} and quick retries, closed after the test. */
  DiscoveryClient client(String registryUri, Duration ttl) {
    return closing(DiscoveryClient.builder().registry(registryUri).ttl(ttl)
        .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)).withoutShutdownHook().build());
  }

  <T extends AutoCloseable> T closing(T resource) {
    toClose.add(resource);
    return resource;
  }
}
