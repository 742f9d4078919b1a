package io.discovery.client.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.QuorumScenario;
import io.discovery.client.Registration;
import io.discovery.client.RegistrationState;
import io.discovery.client.ServiceView;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A registering and a watching client on a real three-member etcd cluster that loses its leader, then its quorum. */
class EtcdClusterIT extends EtcdClients {
  private static final Logger log = LoggerFactory.getLogger(EtcdClusterIT.class);
  private static final Duration TTL = Duration.ofSeconds(3);

  private DiscoveryClient client(EtcdCluster cluster) {
    return client(cluster.uri(), TTL);
  }

  @Test
  void theViewNeverEmptiesAndEverythingIsBackOnceTheQuorumIs() throws Exception {
    EtcdCluster cluster = closing(EtcdCluster.start());
    QuorumScenario.run(cluster, () -> client(cluster), TTL, "clustered");
  }

  @Test
  void aHungMemberIsLeftQuicklyByCallsAndByTheWatch() throws Exception {
    EtcdCluster cluster = closing(EtcdCluster.start());
    ServiceView view = client(cluster).service("hung"); // lists and watches on the first member
    Registration first = client(cluster).register("hung", "10.0.0.1:80");
    await().atMost(Duration.ofSeconds(10)).until(() -> view.instances().size() == 1);

    cluster.pause(0); // TCP open, nothing answered
    try {
      long paused = System.nanoTime();
      Registration second = client(cluster).register("hung", "10.0.0.2:80"); // its first call goes to the hung member
      await().atMost(Duration.ofSeconds(10)).until(() -> second.state() == RegistrationState.REGISTERED);
      long registered = System.nanoTime();
      await().atMost(TTL.multipliedBy(2).plusSeconds(8)).until(() -> view.instances().size() == 2 && !view.snapshot().stale());
      long seen = System.nanoTime();

      log.info("hung member: a new registration took {} ms, the watcher saw it {} ms after the pause", ms(registered - paused),
          ms(seen - paused));
      assertThat(Duration.ofNanos(registered - paused)).as("a call to a hung member fails over before the full 5 s call timeout")
          .isLessThan(Duration.ofSeconds(5));
      assertThat(first.state()).isEqualTo(RegistrationState.REGISTERED);
    } finally {
      cluster.resume(0);
    }
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }
}
