package io.discovery.agent.registrar;

/**
 * The outcome of one check.
 *
 * @param passed whether the endpoint is healthy
 * @param detail what was seen ("HTTP 200", "connection refused", "exit 1: ..."), for log lines
 */
public record CheckResult(boolean passed, String detail) {

  /** A passing result. */
  public static CheckResult pass(String detail) {
    return new CheckResult(true, detail);
  }

  /** A failing result. */
  public static CheckResult fail(String detail) {
    return new CheckResult(false, detail);
  }
}
