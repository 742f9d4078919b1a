package io.discovery.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.QuorumScenario;
import io.discovery.client.Registration;
import io.discovery.client.RegistrationState;
import io.discovery.client.ServiceView;
import io.discovery.client.spi.BackendContext;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Registering and watching clients on a real three-server ZooKeeper ensemble that loses its leader, its quorum, a session. */
class ZooKeeperEnsembleIT {
  private static final Logger log = LoggerFactory.getLogger(ZooKeeperEnsembleIT.class);
  private static final Duration TTL = Duration.ofSeconds(4);

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.remove(i).close();
    }
  }

  private <T extends AutoCloseable> T closing(T closeable) {
    toClose.add(closeable);
    return closeable;
  }

  private DiscoveryClient client(ZooKeeperBackend backend) {
    return closing(DiscoveryClient.builder().backend(backend).ttl(TTL)
        .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(500)).withoutShutdownHook().build());
  }

  private static ZooKeeperBackend backend(ZooKeeperEnsemble ensemble) {
    return (ZooKeeperBackend) new ZooKeeperBackendFactory().create(URI.create(ensemble.uri()), new BackendContext(null, TTL));
  }

  @Test
  void theViewNeverEmptiesAndEverythingIsBackOnceTheQuorumIs() throws Exception {
    ZooKeeperEnsemble ensemble = closing(ZooKeeperEnsemble.start());
    QuorumScenario.run(ensemble, () -> client(backend(ensemble)), TTL, "ensemble");
  }

  @Test
  void anExpiredSessionsInstanceIsBackWithoutWaitingForItsHeartbeat() throws Exception {
    ZooKeeperEnsemble ensemble = closing(ZooKeeperEnsemble.start());
    ZooKeeperBackend expiring = backend(ensemble);
    Registration registration = client(expiring).register("expiry", "10.0.0.1:80");
    Registration other = client(backend(ensemble)).register("expiry", "10.0.0.2:80");
    assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    assertThat(other.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    ServiceView view = client(backend(ensemble)).service("expiry");
    await().atMost(Duration.ofSeconds(5)).until(() -> view.instances().size() == 2);
    AtomicLong firstMissing = new AtomicLong();
    AtomicLong lastMissing = new AtomicLong();
    CountDownLatch gone = new CountDownLatch(1);
    view.subscribe(s -> {
      if (!s.instances().contains(registration.instance())) {
        firstMissing.compareAndSet(0, System.nanoTime());
        gone.countDown();
      } else if (firstMissing.get() != 0 && lastMissing.get() == 0) {
        lastMissing.set(System.nanoTime());
      }
    });

    ZooKeeperSessions.expire(ensemble.connectString(), expiring); // its ephemeral node goes, every watcher sees it go

    assertThat(gone.await(10, TimeUnit.SECONDS)).as("the expiry removed the node").isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> view.instances().contains(registration.instance()));
    log.info("instance missing from the view for {} ms after its session expired (TTL {} ms)",
        ms(lastMissing.get() - firstMissing.get()), TTL.toMillis());
    assertThat(view.instances()).containsExactlyInAnyOrder(registration.instance(), other.instance());
    assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERED);
    assertThat(expiring.clientsOpened()).isEqualTo(2);
  }

  private static long ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
