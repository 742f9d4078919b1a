package io.discovery.client.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every thread a client starts is named, a daemon, and gone once the client is closed. */
class ThreadOwnershipIT {

  private static List<Thread> discoveryThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("discovery-"))
        .toList();
  }

  @Test
  void closingTheClientStopsEveryThreadItStarted() throws Exception {
    try (EtcdServer etcd = EtcdServer.start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> discoveryThreads().isEmpty());
      DiscoveryClient client = DiscoveryClient.builder().registry(etcd.uri()).withoutShutdownHook().build();
      Registration registration = client.register("threads", "10.0.0.1:80");
      assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
      assertThat(client.service("threads").instances()).hasSize(1);

      assertThat(discoveryThreads()).isNotEmpty().allSatisfy(t -> assertThat(t.isDaemon()).as(t.getName()).isTrue());
      assertThat(discoveryThreads()).extracting(Thread::getName)
          .anySatisfy(name -> assertThat(name).startsWith("discovery-scheduler-"))
          .anySatisfy(name -> assertThat(name).startsWith("discovery-etcd-watch-"));

      client.close();

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(discoveryThreads()).isEmpty());
    }
  }
}
