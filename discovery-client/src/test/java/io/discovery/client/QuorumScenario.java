package io.discovery.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.discovery.client.etcd.ViewReader;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One registering and one watching client on a real three-member registry that loses its leader,
 * then its quorum for 15 s, then gets both back: the same assertions for etcd and ZooKeeper. No
 * empty read of the view; stale while the registry cannot answer and fresh after; every
 * registration back within one TTL of the quorum; one made during the loss appears after it.
 */
public final class QuorumScenario {
  private static final Logger log = LoggerFactory.getLogger(QuorumScenario.class);
  private static final Duration QUORUM_LOST_FOR = Duration.ofSeconds(15);

  /** A three-member registry the scenario can take apart. */
  public interface Cluster {
    /** The index (0 to 2) of the member that leads now. */
    int leader();

    /** Takes a member down. */
    void stop(int member);

    /** Brings a stopped member back on its ports and data. */
    void restart(int member);

    /** Waits until every running member serves, with one leader. */
    void awaitHealthy();
  }

  private QuorumScenario() {
  }

  /** Runs the scenario; {@code clients} makes a new client of the cluster with {@code ttl}, closed by the caller. */
  public static void run(Cluster cluster, Supplier<DiscoveryClient> clients, Duration ttl, String service) throws Exception {
    Registration registration = clients.get().register(service, "10.0.0.1:80");
    assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    ServiceView view = clients.get().service(service);
    assertThat(view.instances()).containsExactly(registration.instance());
    ViewReader reader = new ViewReader(view);

    int leader = cluster.leader();
    long killed = System.nanoTime();
    cluster.stop(leader);
    cluster.awaitHealthy();
    long reelected = System.nanoTime();
    Registration afterLeaderLoss = clients.get().register(service, "10.0.0.2:80");
    await().atMost(Duration.ofSeconds(15)).until(() -> view.instances().size() == 2 && !view.snapshot().stale());
    long seen = System.nanoTime();

    int second = (leader + 1) % 3;
    cluster.stop(second); // one member of three left: no quorum
    long quorumLost = System.nanoTime();
    await().atMost(Duration.ofSeconds(15)).until(() -> view.snapshot().stale());
    long markedStale = System.nanoTime();
    Registration duringLoss = clients.get().register(service, "10.0.0.3:80");
    long restoreAt = quorumLost + QUORUM_LOST_FOR.toNanos();
    while (System.nanoTime() < restoreAt) { // the outage lasts its 15 s, watched all along
      assertThat(duringLoss.state()).as("no quorum, no registration").isNotEqualTo(RegistrationState.REGISTERED);
      LockSupport.parkNanos(10_000_000);
    }

    cluster.restart(leader);
    cluster.restart(second);
    cluster.awaitHealthy();
    long quorumBack = System.nanoTime();
    await("registrations back within one TTL of the quorum").atMost(ttl.plusSeconds(2))
        .until(() -> registration.state() == RegistrationState.REGISTERED
            && duringLoss.state() == RegistrationState.REGISTERED && afterLeaderLoss.state() == RegistrationState.REGISTERED);
    await().atMost(Duration.ofSeconds(15)).until(() -> !view.snapshot().stale() && view.instances().size() == 3);
    long allBack = System.nanoTime();
    reader.close();

    log.info("{}: leader lost: re-elected in {} ms, new instance seen {} ms after; quorum lost: view stale after {} ms;"
        + " quorum back: all 3 instances fresh {} ms after; {} reads, {} empty, {} stale", service, ms(reelected - killed),
        ms(seen - reelected), ms(markedStale - quorumLost), ms(allBack - quorumBack), reader.reads.get(), reader.empty.get(),
        reader.stale.get());
    assertThat(reader.empty.get()).as("reads of an empty view").isZero();
    assertThat(reader.stale.get()).as("the view was marked stale while the registry could not answer").isPositive();
  }

  private static long ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
