package io.discovery.client.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.discovery.client.DiscoveryClient;
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
  private static final Duration QUORUM_LOST_FOR = Duration.ofSeconds(15);

  private DiscoveryClient client(EtcdCluster cluster) {
    return client(cluster.uri(), TTL);
  }

  @Test
  void theViewNeverEmptiesAndEverythingIsBackOnceTheQuorumIs() throws Exception {
    EtcdCluster cluster = closing(EtcdCluster.start());
    Registration registration = client(cluster).register("clustered", "10.0.0.1:80");
    assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    ServiceView view = client(cluster).service("clustered");
    assertThat(view.instances()).containsExactly(registration.instance());
    ViewReader reader = new ViewReader(view);

    int leader = cluster.leader();
    long killed = System.nanoTime();
    cluster.stop(leader);
    cluster.awaitHealthy();
    long reelected = System.nanoTime();
    Registration afterLeaderLoss = client(cluster).register("clustered", "10.0.0.2:80");
    await().atMost(Duration.ofSeconds(15)).until(() -> view.instances().size() == 2 && !view.snapshot().stale());
    long seen = System.nanoTime();

    int second = (leader + 1) % 3;
    cluster.stop(second); // one member of three left: no quorum
    long quorumLost = System.nanoTime();
    await().atMost(Duration.ofSeconds(15)).until(() -> view.snapshot().stale());
    long markedStale = System.nanoTime();
    Registration duringLoss = client(cluster).register("clustered", "10.0.0.3:80");
    long restoreAt = quorumLost + QUORUM_LOST_FOR.toNanos();
    while (System.nanoTime() < restoreAt) { // the outage lasts its 15 s, watched all along
      assertThat(duringLoss.state()).as("no quorum, no registration").isNotEqualTo(RegistrationState.REGISTERED);
      java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
    }

    cluster.restart(leader);
    cluster.restart(second);
    cluster.awaitHealthy();
    long quorumBack = System.nanoTime();
    await("registrations back within one TTL of the quorum").atMost(TTL.plusSeconds(2))
        .until(() -> registration.state() == RegistrationState.REGISTERED
            && duringLoss.state() == RegistrationState.REGISTERED && afterLeaderLoss.state() == RegistrationState.REGISTERED);
    await().atMost(Duration.ofSeconds(15)).until(() -> !view.snapshot().stale() && view.instances().size() == 3);
    long allBack = System.nanoTime();
    reader.close();

    log.info("leader lost: re-elected in {} ms, new instance seen {} ms after; quorum lost: view stale after {} ms;"
        + " quorum back: all 3 instances fresh {} ms after; {} reads, {} empty, {} stale", ms(reelected - killed),
        ms(seen - reelected), ms(markedStale - quorumLost), ms(allBack - quorumBack), reader.reads.get(), reader.empty.get(), reader.stale.get());
    assertThat(reader.empty.get()).as("reads of an empty view").isZero();
    assertThat(reader.stale.get()).as("the view was marked stale while the registry could not answer").isPositive();
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
