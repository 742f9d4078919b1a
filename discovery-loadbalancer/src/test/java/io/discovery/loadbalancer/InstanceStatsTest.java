package io.discovery.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.discovery.client.ServiceInstance;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The peak-EWMA arithmetic and ejection count of one instance, on explicit times. */
class InstanceStatsTest {
  private static final double TAU = 10_000_000_000.0; // 10 s
  private static final long MS = 1_000_000;

  private static InstanceStats stats(CircuitBreaker breaker) {
    return new InstanceStats(ServiceInstance.of("payments", "10.0.0.1:80"), 0, breaker);
  }

  @Test
  void aSlowerSampleReplacesTheEstimateAtOnceAndAFasterOneBlendsIn() {
    InstanceStats s = stats(null);
    s.observe(10 * MS, 0, TAU);
    assertThat(s.cost(0, TAU)).isEqualTo(10.0 * MS);

    s.observe(40 * MS, 0, TAU); // peak: taken whole
    assertThat(s.cost(0, TAU)).isEqualTo(40.0 * MS);

    s.observe(20 * MS, (long) TAU, TAU); // one tau later: weight e^-1 on the old estimate
    double w = Math.exp(-1);
    assertThat(s.cost((long) TAU, TAU)).isCloseTo(40.0 * MS * w + 20.0 * MS * (1 - w), within(1.0));
  }

  @Test
  void aFailureCountsAsAtLeastTwiceTheEstimateEvenWhenItFailedFast() {
    InstanceStats s = stats(null);
    s.observe(10 * MS, 0, TAU);

    s.observeFailure(1 * MS, 0, TAU, Policy.DEFAULT_FAILURE_PENALTY); // failed fast: must not look fast

    assertThat(s.cost(0, TAU)).isEqualTo(20.0 * MS);
    s.observeFailure(100 * MS, 0, TAU, Policy.DEFAULT_FAILURE_PENALTY); // a slow failure counts at its own latency when that is more
    assertThat(s.cost(0, TAU)).isEqualTo(100.0 * MS);
  }

  @Test
  void theFailurePenaltyScalesTheEstimate() {
    InstanceStats s = stats(null);
    s.observe(10 * MS, 0, TAU);

    s.observeFailure(1 * MS, 0, TAU, 4);

    assertThat(s.cost(0, TAU)).isEqualTo(40.0 * MS);
  }

  @Test
  void aFailureDoublesTheDecayedEstimateNotTheOldOne() {
    InstanceStats s = stats(null);
    s.observe(10 * MS, 0, TAU);

    s.observeFailure(0, (long) TAU, TAU, Policy.DEFAULT_FAILURE_PENALTY);

    assertThat(s.cost((long) TAU, TAU)).isCloseTo(2 * 10.0 * MS * Math.exp(-1), within(1.0));
  }

  @Test
  void theCostDecaysWithIdleTimeAndGrowsWithCallsInFlight() {
    InstanceStats s = stats(null);
    s.observe(10 * MS, 0, TAU);

    assertThat(s.cost(2 * (long) TAU, TAU)).isCloseTo(10.0 * MS * Math.exp(-2), within(1.0));
    assertThat(s.cost(1000, TAU)).as("the series for small idle times matches e^-x")
        .isCloseTo(10.0 * MS * Math.exp(-1000 / TAU), within(1e-3));
    s.callStarted();
    s.callStarted();
    assertThat(s.cost(0, TAU)).isEqualTo(3 * 10.0 * MS);
    s.callEnded();
    assertThat(s.cost(0, TAU)).isEqualTo(2 * 10.0 * MS);
  }

  @Test
  void anInstanceWithCallsInFlightAndNoSampleYetCostsMoreThanAnyMeasuredOne() {
    InstanceStats fresh = stats(null);
    InstanceStats slow = stats(null);
    slow.observe(Duration.ofMinutes(10).toNanos(), 0, TAU);
    assertThat(fresh.cost(0, TAU)).as("idle and unmeasured: tried first").isZero();

    fresh.callStarted();
    fresh.callStarted();

    assertThat(fresh.cost(0, TAU)).isGreaterThan(slow.cost(0, TAU));
    double twoPending = fresh.cost(0, TAU);
    fresh.callStarted();
    assertThat(fresh.cost(0, TAU)).isEqualTo(twoPending + 1);
  }

  @Test
  void ejectionIsCountedOnceAndNotAfterRetirement() {
    InstanceStats s = stats(null);
    assertThat(s.setEjected(true)).isEqualTo(1);
    assertThat(s.setEjected(true)).isZero();
    assertThat(s.retire()).as("an ejected instance leaves: one less ejected").isEqualTo(-1);
    assertThat(s.setEjected(false)).as("retired: no longer counted").isZero();
    InstanceStats healthy = stats(null);
    assertThat(healthy.setEjected(false)).isZero();
    assertThat(healthy.retire()).isZero();
  }
}
