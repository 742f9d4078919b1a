package io.discovery.client.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.ServiceView;
import io.discovery.client.Snapshot;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A real etcd killed, wiped and restarted under registered instances and a caller reading its view. */
class EtcdWipeIT extends EtcdClients {
  private static final Logger log = LoggerFactory.getLogger(EtcdWipeIT.class);
  private static final Duration TTL = Duration.ofSeconds(3);
  private static final int RUNS = 3;

  private DiscoveryClient client(EtcdServer etcd) {
    return client(etcd.uri(), TTL);
  }

  @Test
  void aWipedEtcdThatComesBackEmptyCausesNoEmptyReadWhileTheInstancesRegisterAgain() throws Exception {
    EtcdServer etcd = closing(EtcdServer.start());
    for (int i = 1; i <= 3; i++) {
      client(etcd).register("wiped", "10.0.0." + i + ":80");
    }
    ServiceView view = client(etcd).service("wiped");
    await().atMost(Duration.ofSeconds(10)).until(() -> view.instances().size() == 3);

    for (int run = 1; run <= RUNS; run++) {
      ViewReader reader = new ViewReader(view);
      long wiped = System.nanoTime();

      etcd.wipe();
      long restarted = System.nanoTime();
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        Snapshot s = view.snapshot();
        return !s.stale() && s.instances().size() == 3;
      });
      long recovered = System.nanoTime();
      reader.close();

      log.info("run {}: {} reads, {} empty, {} of a held list; etcd down {} ms, view fresh with all 3 again {} ms after restart",
          run, reader.reads.get(), reader.empty.get(), reader.held.get(), (restarted - wiped) / 1_000_000, (recovered - restarted) / 1_000_000);
      assertThat(reader.reads.get()).isPositive();
      assertThat(reader.empty.get()).as("empty reads in run " + run).isZero();
    }
  }
}
