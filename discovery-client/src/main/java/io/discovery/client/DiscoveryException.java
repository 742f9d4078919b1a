package io.discovery.client;

/** Base of the library's unchecked exceptions. */
public class DiscoveryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception without a cause.
   *
   * @param message what went wrong, shown to users as it is
   */
  public DiscoveryException(String message) {
    super(message);
  }

  /**
   * An exception caused by {@code cause}.
   *
   * @param message what went wrong, shown to users as it is
   * @param cause   the underlying failure
   */
  public DiscoveryException(String message, Throwable cause) {
    super(message, cause);
  }
}
