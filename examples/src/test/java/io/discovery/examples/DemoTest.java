package io.discovery.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The README's demo, run in-process so that it cannot rot unnoticed. */
class DemoTest {

  @Test
  void demoRunsToTheEndWithoutFailedRequests() throws Exception {
    assertThat(Demo.run("memory://demo-test")).isZero();
  }
}
