package io.discovery.client.consul;

import io.discovery.client.DiscoveryClient;
import io.discovery.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** A {@link FakeConsul} per test and the clients that talk to it, closed after each test. */
abstract class ConsulFixture {
  static final Duration TTL = Duration.ofSeconds(9);
  final FakeConsul consul = new FakeConsul();
  final ManualScheduler time = new ManualScheduler();
  final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    consul.close();
  }

  /** A client whose heartbeat runs only when the test advances {@link #time}. */
  DiscoveryClient manualClient(ConsulBackend backend) {
    DiscoveryClient client = DiscoveryClient.builder().backend(backend).scheduler(time).ttl(TTL).withoutShutdownHook().build();
    toClose.add(client);
    return client;
  }

  /** A client on real threads, for views. */
  DiscoveryClient threadedClient(ConsulBackend backend) {
    DiscoveryClient client = DiscoveryClient.builder().backend(backend).ttl(TTL)
        .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).withoutShutdownHook().build();
    toClose.add(client);
    return client;
  }

  /** A backend for the fake agent, holding blocking queries 2 s. */
  ConsulBackend.Builder backend() {
    return ConsulBackend.builder(consul.uri()).blockingWait(Duration.ofSeconds(2));
  }
}
