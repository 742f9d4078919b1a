package io.discovery.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void readsMillisecondsSecondsMinutesHoursAndIso() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("2s")).isEqualTo(Duration.ofSeconds(2));
    assertThat(Durations.parse(" 1m ")).isEqualTo(Duration.ofMinutes(1));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("PT0.25S")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse("0ms")).isZero();
  }

  @Test
  void refusesANumberWithoutUnitAndNamesTheText() {
    assertThatThrownBy(() -> Durations.parse("2")).hasMessage(
        "invalid duration '2': expected a whole number and a unit (ms, s, m or h), e.g. 500ms, 2s, 1m");
    assertThatThrownBy(() -> Durations.parse("2x")).hasMessageContaining("'2x'");
    assertThatThrownBy(() -> Durations.parse("-1s")).hasMessageContaining("'-1s'");
    assertThatThrownBy(() -> Durations.parse("PT-1S")).hasMessageContaining("'PT-1S'");
  }

  @Test
  void formatsInTheLargestWholeUnit() {
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ofSeconds(2))).isEqualTo("2s");
    assertThat(Durations.format(Duration.ofMinutes(3))).isEqualTo("3m");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0ms");
  }

  @Test
  void formatsWhatMillisecondsCannotSayInIsoSoThatNoValueReadsAsZero() {
    assertThat(Durations.format(Duration.ofNanos(500_000))).isEqualTo("PT0.0005S");
    assertThat(Durations.parse(Durations.format(Duration.ofNanos(500_000)))).isEqualTo(Duration.ofNanos(500_000));
    assertThat(Durations.format(Duration.ofNanos(1_500_000))).isEqualTo("PT0.0015S");
  }
}
