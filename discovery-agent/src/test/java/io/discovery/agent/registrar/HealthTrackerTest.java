package io.discovery.agent.registrar;

import static org.assertj.core.api.Assertions.assertThat;

import io.discovery.agent.registrar.HealthTracker.Status;
import org.junit.jupiter.api.Test;

class HealthTrackerTest {

  @Test
  void passesAfterRiseInARowAndFailsAfterFallInARow() {
    HealthTracker health = new HealthTracker(2, 3);

    assertThat(health.record(true)).isNull();
    assertThat(health.record(true)).isEqualTo(Status.PASSING);
    assertThat(health.record(true)).as("already passing").isNull();
    assertThat(health.record(false)).isNull();
    assertThat(health.record(false)).isNull();
    assertThat(health.record(true)).as("a pass resets the failure count").isNull();
    assertThat(health.record(false)).isNull();
    assertThat(health.record(false)).isNull();
    assertThat(health.record(false)).isEqualTo(Status.FAILING);
    assertThat(health.streak(false)).isEqualTo(3);
    assertThat(health.record(true)).isNull();
    assertThat(health.record(true)).isEqualTo(Status.PASSING);
  }

  @Test
  void anEndpointThatNeverPassedBecomesFailingOnceAfterFall() {
    HealthTracker health = new HealthTracker(2, 2);

    assertThat(health.status()).isEqualTo(Status.UNKNOWN);
    assertThat(health.record(false)).isNull();
    assertThat(health.record(false)).isEqualTo(Status.FAILING);
    assertThat(health.record(false)).isNull();
  }

  @Test
  void newThresholdsKeepTheStatus() {
    HealthTracker health = new HealthTracker(1, 1);
    health.record(true);

    HealthTracker changed = health.withThresholds(3, 2);

    assertThat(changed.status()).isEqualTo(Status.PASSING);
    assertThat(changed.record(false)).isNull();
    assertThat(changed.record(false)).isEqualTo(Status.FAILING);
  }
}
