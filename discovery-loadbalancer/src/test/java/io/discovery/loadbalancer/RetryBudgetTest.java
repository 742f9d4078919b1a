package io.discovery.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The retry budget's ratio, floor and window, on a fake clock. */
class RetryBudgetTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong now = new AtomicLong(100 * SECOND);

  @Test
  void retriesAreAShareOfTheRequestsInTheWindow() {
    RetryBudget budget = RetryBudget.of(0.2, 0, Duration.ofSeconds(10), now::get);
    for (int i = 0; i < 10; i++) {
      budget.onRequest();
    }

    assertThat(budget.tryRetry()).isTrue();
    assertThat(budget.tryRetry()).isTrue();
    assertThat(budget.tryRetry()).as("20% of 10 requests: 2 retries").isFalse();
    for (int i = 0; i < 5; i++) {
      budget.onRequest();
    }
    assertThat(budget.tryRetry()).as("15 requests: a third retry").isTrue();
    assertThat(budget.tryRetry()).isFalse();
  }

  @Test
  void aFloorPerSecondOfTheWindowAllowsRetriesWithoutRequests() {
    RetryBudget budget = RetryBudget.of(0, 2, Duration.ofSeconds(3), now::get);

    int allowed = 0;
    while (budget.tryRetry()) {
      allowed++;
    }

    assertThat(allowed).as("2 a second over a 3 s window").isEqualTo(6);
  }

  @Test
  void spentRetriesComeBackAsTheirSecondsLeaveTheWindow() {
    RetryBudget budget = RetryBudget.of(0, 1, Duration.ofSeconds(2), now::get);
    assertThat(budget.tryRetry()).isTrue();
    now.addAndGet(SECOND);
    assertThat(budget.tryRetry()).isTrue();
    assertThat(budget.tryRetry()).as("2 in the window of 2 s").isFalse();

    now.addAndGet(SECOND); // the first second left the window
    assertThat(budget.tryRetry()).isTrue();
    assertThat(budget.tryRetry()).isFalse();

    now.addAndGet(10 * SECOND); // all of it left, even buckets this second does not reuse
    assertThat(budget.tryRetry()).isTrue();
    assertThat(budget.tryRetry()).isTrue();
    assertThat(budget.tryRetry()).isFalse();
  }

  @Test
  void requestsOutsideTheWindowNoLongerPayForRetries() {
    RetryBudget budget = RetryBudget.of(1.0, 0, Duration.ofSeconds(2), now::get);
    budget.onRequest();
    budget.onRequest();
    now.addAndGet(2 * SECOND);

    assertThat(budget.tryRetry()).isFalse();
    budget.onRequest();
    assertThat(budget.tryRetry()).isTrue();
  }

  @Test
  void spentIsTheShareOfTheWindowsAllowanceThatRetriesTookAndTakenCountsThem() {
    RetryBudget budget = RetryBudget.of(0.5, 0, Duration.ofSeconds(2), now::get);
    for (int i = 0; i < 8; i++) {
      budget.onRequest();
    }
    assertThat(budget.spent()).isZero();

    assertThat(budget.tryRetry()).isTrue();
    assertThat(budget.spent()).isEqualTo(0.25);
    budget.tryRetry();
    budget.tryRetry();
    assertThat(budget.tryRetry()).isTrue();
    assertThat(budget.spent()).isEqualTo(1.0);
    assertThat(budget.tryRetry()).as("4 of 4 taken").isFalse();
    assertThat(budget.spent()).as("never above 1").isEqualTo(1.0);
    assertThat(budget.retriesTaken()).isEqualTo(4);

    now.addAndGet(3 * SECOND);
    assertThat(budget.spent()).as("a window without requests allows nothing: all spent").isEqualTo(1.0);
    assertThat(budget.retriesTaken()).as("a running total, not per window").isEqualTo(4);
    assertThat(RetryBudget.none().spent()).isEqualTo(1.0);
  }

  @Test
  void noneAllowsNoRetry() {
    RetryBudget none = RetryBudget.none();
    none.onRequest();
    assertThat(none.tryRetry()).isFalse();
  }

  @Test
  void invalidSettingsAreRefusedNamingThem() {
    assertThatThrownBy(() -> RetryBudget.of(-0.1, 0, Duration.ofSeconds(1))).hasMessageContaining("-0.1");
    assertThatThrownBy(() -> RetryBudget.of(0.1, -1, Duration.ofSeconds(1))).hasMessageContaining("-1");
    assertThatThrownBy(() -> RetryBudget.of(0.1, 1, Duration.ofMillis(500))).hasMessageContaining("PT0.5S");
  }
}
