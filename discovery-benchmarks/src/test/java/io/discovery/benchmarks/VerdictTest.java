package io.discovery.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class VerdictTest {

  @Test
  void aTargetIsMetOnlyWhenTheWholeIntervalIsWithinIt() {
    Verdict v = Verdict.of(11, 0.5, 10, 0.5, 1.2); // 1.10x, at most 11.5 / 9.5 = 1.21x
    assertThat(v.ratio()).isCloseTo(1.1, within(1e-9));
    assertThat(v.high()).isCloseTo(11.5 / 9.5, within(1e-9));
    assertThat(v.word()).isEqualTo("inconclusive");

    assertThat(Verdict.of(11, 0.2, 10, 0.2, 1.2).word()).isEqualTo("met"); // at most 11.2 / 9.8 = 1.14x
  }

  @Test
  void aTargetIsMissedOnlyWhenTheWholeIntervalIsAboveIt() {
    assertThat(Verdict.of(17.8, 12.0, 12.2, 10.3, 1.2).word()).as("the old table's 1.46x with wide errors").isEqualTo("inconclusive");
    assertThat(Verdict.of(17.8, 0.5, 12.2, 0.4, 1.2).word()).isEqualTo("missed"); // at least 17.3 / 12.6 = 1.37x
  }

  @Test
  void anErrorAsLargeAsTheDivisorLeavesTheIntervalUnbounded() {
    Verdict v = Verdict.of(5, 1, 3, 3, 2);
    assertThat(v.high()).isInfinite();
    assertThat(v.interval()).endsWith("unbounded");
    assertThat(v.word()).isEqualTo("inconclusive");
  }

  @Test
  void aSpeedupGivesItsInterval() {
    assertThat(Verdict.speedup(new Report.Cell(1000, 100, Double.NaN), new Report.Cell(10, 1, Double.NaN)))
        .isEqualTo("100.0x (99.9% interval 81.82x to 122.22x)");
  }
}
