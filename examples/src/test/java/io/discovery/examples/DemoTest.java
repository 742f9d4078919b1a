package io.discovery.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The README's demo, run in-process (its instances in JVMs of their own) so that it cannot rot unnoticed. */
class DemoTest {

  @Test
  void theDemoRunsToTheEndOnAnEmbeddedZooKeeperWithoutFailedRequests() throws Exception {
    assertThat(Timeline.run(null)).isZero();
  }

  @Test
  void anUnreachableRegistryIsAOneLineErrorAndExitCodeOne() throws Exception {
    assertThat(Timeline.run("zookeeper://127.0.0.1:1/services")).isEqualTo(1);
  }
}
