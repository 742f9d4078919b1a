package io.discovery.agent.registrar;

/**
 * Rise and fall, as HAProxy counts them: an endpoint becomes passing after {@code rise} consecutive
 * passes and failing after {@code fall} consecutive failures; until either happens first its status
 * is unknown. Not thread-safe: one endpoint's results arrive one at a time.
 */
final class HealthTracker {
  /** Where an endpoint stands. */
  enum Status { UNKNOWN, PASSING, FAILING }

  private final int rise;
  private final int fall;
  private Status status;
  private int passes;
  private int failures;

  HealthTracker(int rise, int fall) {
    this(rise, fall, Status.UNKNOWN);
  }

  private HealthTracker(int rise, int fall, Status status) {
    this.rise = rise;
    this.fall = fall;
    this.status = status;
  }

  /** A tracker with other thresholds that keeps this one's status (its counts start again). */
  HealthTracker withThresholds(int rise, int fall) {
    return new HealthTracker(rise, fall, status);
  }

  /** Counts one result; returns the new status if this result changed it, else null. */
  Status record(boolean passed) {
    if (passed) {
      failures = 0;
      passes = Math.min(passes + 1, rise);
      if (passes == rise && status != Status.PASSING) {
        status = Status.PASSING;
        return status;
      }
    } else {
      passes = 0;
      failures = Math.min(failures + 1, fall);
      if (failures == fall && status != Status.FAILING) {
        status = Status.FAILING;
        return status;
      }
    }
    return null;
  }

  Status status() {
    return status;
  }

  /** Consecutive results that agree with the last one: "1 of 2". */
  int streak(boolean passed) {
    return passed ? passes : failures;
  }

  int threshold(boolean passed) {
    return passed ? rise : fall;
  }
}
