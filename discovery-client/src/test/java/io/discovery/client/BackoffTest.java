package io.discovery.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30));

  /** Always draws the lowest (0) or the highest jitter its bound allows. */
  private static RandomGenerator drawing(boolean highest) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        throw new AssertionError("unbounded draw");
      }

      @Override
      public long nextLong(long bound) {
        return highest ? bound - 1 : 0;
      }
    };
  }

  @Test
  void eachAttemptWaitsBetweenHalfAndAllOfItsDoubledStep() {
    assertThat(backoff.delay(0, drawing(false))).isEqualTo(Duration.ofMillis(50));
    assertThat(backoff.delay(0, drawing(true))).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.delay(3, drawing(false))).isEqualTo(Duration.ofMillis(400));
    assertThat(backoff.delay(3, drawing(true))).isEqualTo(Duration.ofMillis(800));
  }

  @Test
  void theStepStopsAtTheCap() {
    assertThat(backoff.delay(9, drawing(true))).isEqualTo(Duration.ofSeconds(30)); // 100 ms x 512 > 30 s
    assertThat(backoff.delay(9, drawing(false))).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void attemptsFarBeyondTheCapDoNotOverflow() {
    for (int attempt : new int[] {40, 61, 62, 63, 64, 1000, Integer.MAX_VALUE}) {
      assertThat(backoff.delay(attempt, drawing(true))).as("attempt %d", attempt).isEqualTo(Duration.ofSeconds(30));
      assertThat(backoff.delay(attempt, drawing(false))).as("attempt %d", attempt).isEqualTo(Duration.ofSeconds(15));
    }
    Backoff huge = new Backoff(Duration.ofDays(1000), Duration.ofDays(100_000));
    assertThat(huge.delay(20, drawing(true))).isEqualTo(Duration.ofDays(100_000));
  }

  @Test
  void aBackoffThatCannotGrowIsRefused() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1))).hasMessageContaining("PT0S");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1))).hasMessageContaining("PT2S..PT1S");
  }
}
