package io.discovery.agent.registrar;

import io.discovery.agent.Durations;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How to check one endpoint: exactly one of {@code http} (passes on 2xx), {@code tcp: true} (passes
 * when a connection opens) or {@code script} (a command, passes on exit code 0).
 *
 * @param http     URL to GET, http or https
 * @param tcp      true to check that the endpoint's address accepts connections
 * @param script   command and arguments, run without a shell (use {@code ["sh", "-c", "..."]} for one)
 * @param interval time between the starts of two checks (default 10 s, at least 100 ms)
 * @param timeout  how long one check may take (default 1 s or the interval, whichever is less; at most
 *                 the interval); a script still running then is killed
 */
public record CheckConfig(String http, Boolean tcp, List<String> script, Duration interval, Duration timeout) {
  /** The interval when none is given. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  private static final Duration MIN_INTERVAL = Duration.ofMillis(100);
  private static final Duration MAX_DEFAULT_TIMEOUT = Duration.ofSeconds(1);

  /** The kind of check, one per config. */
  public enum Kind { HTTP, TCP, SCRIPT }

  public CheckConfig {
    List<String> kinds = new ArrayList<>();
    if (http != null) {
      kinds.add("http");
    }
    if (Boolean.TRUE.equals(tcp)) {
      kinds.add("tcp");
    }
    if (script != null) {
      kinds.add("script");
    }
    if (kinds.isEmpty() && Boolean.FALSE.equals(tcp)) {
      throw new InvalidField("tcp", "tcp: false checks nothing: expected tcp: true, or an http or script check");
    }
    if (kinds.size() != 1) {
      throw new InvalidField(List.of(), (kinds.isEmpty() ? "no check" : "more than one check (" + String.join(", ", kinds) + ")")
          + ": expected exactly one of http (a URL), tcp: true or script (a command list)");
    }
    if (http != null) {
      checkUrl(http);
    }
    tcp = Boolean.TRUE.equals(tcp) ? Boolean.TRUE : null;
    if (script != null) {
      if (script.isEmpty()) {
        throw new InvalidField("script", "empty command: expected a list such as [\"sh\", \"-c\", \"test -f /run/ok\"]");
      }
      for (int i = 0; i < script.size(); i++) {
        if (script.get(i) == null || (i == 0 && script.get(i).isBlank())) {
          throw new InvalidField(List.of("script", i), "empty " + (i == 0 ? "command" : "argument")
              + ": expected a string");
        }
      }
      script = List.copyOf(script);
    }
    if (interval == null) {
      interval = DEFAULT_INTERVAL;
    } else if (interval.compareTo(MIN_INTERVAL) < 0) {
      throw new InvalidField("interval", "invalid interval " + Durations.format(interval) + ": expected at least 100ms");
    }
    if (timeout == null) {
      timeout = interval.compareTo(MAX_DEFAULT_TIMEOUT) < 0 ? interval : MAX_DEFAULT_TIMEOUT;
    } else if (timeout.isZero() || timeout.isNegative()) {
      throw new InvalidField("timeout", "invalid timeout " + Durations.format(timeout) + ": expected more than 0");
    } else if (timeout.compareTo(interval) > 0) {
      throw new InvalidField("timeout", "timeout " + Durations.format(timeout) + " is longer than the interval "
          + Durations.format(interval) + ": expected at most the interval (checks of one endpoint never overlap)");
    }
  }

  /** Which check this is. */
  public Kind kind() {
    return http != null ? Kind.HTTP : tcp != null ? Kind.TCP : Kind.SCRIPT;
  }

  /** The URL of an HTTP check. */
  public URI httpUri() {
    return URI.create(http);
  }

  /** "http http://...", "tcp", "script [sh, -c, ...]": for log lines. */
  public String describe() {
    return switch (kind()) {
      case HTTP -> "http " + http;
      case TCP -> "tcp";
      case SCRIPT -> "script " + script;
    };
  }

  private static void checkUrl(String http) {
    URI uri;
    try {
      uri = new URI(http);
    } catch (URISyntaxException e) {
      throw new InvalidField("http", "invalid URL '" + http + "': " + e.getReason()
          + "; expected http://host[:port]/path or https://...");
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      throw new InvalidField("http", "invalid URL '" + http + "': expected http:// or https://, e.g. http://127.0.0.1:9201/health");
    }
    if (uri.getHost() == null) {
      throw new InvalidField("http", "invalid URL '" + http + "': no host; expected e.g. http://127.0.0.1:9201/health");
    }
  }
}
