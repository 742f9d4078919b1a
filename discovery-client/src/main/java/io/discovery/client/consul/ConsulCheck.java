package io.discovery.client.consul;

import io.discovery.client.ServiceInstance;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An extra health check that the Consul agent runs for every instance this client registers, next to
 * the TTL check the heartbeat passes. An instance with any critical check leaves passing views.
 * See https://developer.hashicorp.com/consul/docs/services/usage/checks.
 */
public final class ConsulCheck {
  private final String kind;
  private final String target;
  private final List<String> args;
  private final Duration interval;
  private final Duration timeout;

  private ConsulCheck(String kind, String target, List<String> args, Duration interval, Duration timeout) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("invalid check interval " + interval + ": expected more than zero");
    }
    this.kind = kind;
    this.target = target;
    this.args = args;
    this.interval = interval;
    this.timeout = timeout;
  }

  /**
   * An HTTP GET every {@code interval}, passing on 2xx. {@code pathOrUrl} is either a path such as
   * {@code /health}, called on the instance's own address (https when it is secure), or a full URL.
   *
   * @param pathOrUrl a path starting with '/', or an {@code http://} or {@code https://} URL
   * @param interval  time between two checks, more than zero
   * @return the check
   * @throws IllegalArgumentException if {@code pathOrUrl} is neither, or {@code interval} is not positive
   */
  public static ConsulCheck http(String pathOrUrl, Duration interval) {
    Objects.requireNonNull(pathOrUrl, "pathOrUrl");
    if (!pathOrUrl.startsWith("/") && !pathOrUrl.startsWith("http://") && !pathOrUrl.startsWith("https://")) {
      throw new IllegalArgumentException("invalid HTTP check target '" + pathOrUrl + "': expected a path like /health or an http(s):// URL");
    }
    return new ConsulCheck("http", pathOrUrl, List.of(), interval, null);
  }

  /**
   * A TCP connect to the instance's address every {@code interval}, passing when it connects.
   *
   * @param interval time between two checks, more than zero
   * @return the check
   * @throws IllegalArgumentException if {@code interval} is not positive
   */
  public static ConsulCheck tcp(Duration interval) {
    return new ConsulCheck("tcp", null, List.of(), interval, null);
  }

  /**
   * A command the agent runs every {@code interval} (exit 0 passing, 1 warning, else critical); the
   * agent must allow script checks ({@code enable_script_checks}), or registration fails for good.
   *
   * @param args     the program and its arguments, run by the agent on its own machine; not empty
   * @param interval time between two runs, more than zero
   * @return the check
   * @throws IllegalArgumentException if {@code args} is null or empty, or {@code interval} is not positive
   */
  public static ConsulCheck script(List<String> args, Duration interval) {
    if (args == null || args.isEmpty()) {
      throw new IllegalArgumentException("a script check needs a command, e.g. List.of(\"/usr/local/bin/check\", \"--fast\")");
    }
    return new ConsulCheck("script", null, List.copyOf(args), interval, null);
  }

  /**
   * How long the agent waits for the check before it counts as critical (Consul's default: 10 s).
   *
   * @param timeout not null
   * @return a copy of this check with the timeout; this one is unchanged
   */
  public ConsulCheck timeout(Duration timeout) {
    return new ConsulCheck(kind, target, args, interval, Objects.requireNonNull(timeout, "timeout"));
  }

  String kind() {
    return kind;
  }

  Duration interval() {
    return interval;
  }

  Duration timeout() {
    return timeout;
  }

  List<String> args() {
    return args;
  }

  /** The HTTP check's URL for {@code instance}. */
  String url(ServiceInstance instance) {
    if (!target.startsWith("/")) {
      return target;
    }
    return (instance.secure() ? "https://" : "http://") + instance.hostPort() + target;
  }

  @Override
  public String toString() {
    return kind + " check every " + interval + (target != null ? " of " + target : "") + (args.isEmpty() ? "" : " " + args);
  }
}
