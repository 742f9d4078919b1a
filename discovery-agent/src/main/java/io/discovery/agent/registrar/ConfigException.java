package io.discovery.agent.registrar;

/**
 * A registrar config that cannot be used, with the file, line and field named:
 * {@code registrar.yaml line 4, services[1].address: invalid address 'x' ...}.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int line;
  private final String path;

  ConfigException(String source, int line, String path, String problem) {
    super(source + (line > 0 ? " line " + line : "") + (path.isEmpty() ? "" : ", " + path) + ": " + problem);
    this.line = line;
    this.path = path;
  }

  /** The 1-based line of the bad value, or 0 when unknown. */
  public int line() {
    return line;
  }

  /** The bad field as {@code services[1].check.interval}; empty for the file as a whole. */
  public String path() {
    return path;
  }
}
