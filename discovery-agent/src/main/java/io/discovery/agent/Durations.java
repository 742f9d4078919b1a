package io.discovery.agent;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in configs and on command lines: {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h}. */
public final class Durations {
  private static final Pattern SIMPLE = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)");

  private Durations() {
  }

  /**
   * Parses {@code text}: a whole number and a unit (ms, s, m, h), or ISO-8601 ({@code PT2S}).
   *
   * @throws IllegalArgumentException naming the text and what is allowed
   */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw invalid(text);
    }
    String trimmed = text.trim();
    Matcher m = SIMPLE.matcher(trimmed);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
    if (trimmed.startsWith("PT") || trimmed.startsWith("pt")) {
      try {
        Duration d = Duration.parse(trimmed);
        if (!d.isNegative()) {
          return d;
        }
      } catch (DateTimeParseException e) {
        // reported below with the forms we accept
      }
    }
    throw invalid(text);
  }

  /**
   * {@code 2s}, {@code 500ms}: the shortest way to write {@code d} in the units {@link #parse} reads;
   * ISO-8601 ({@code PT0.0005S}) when whole milliseconds cannot say it, so no value reads as another.
   */
  public static String format(Duration d) {
    if (d.getNano() % 1_000_000 != 0) {
      return d.toString();
    }
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0 && ms > 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0 && ms > 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException("invalid duration '" + text
        + "': expected a whole number and a unit (ms, s, m or h), e.g. 500ms, 2s, 1m");
  }
}
