package io.discovery.client;

/**
 * The registry could not be reached or answered with a server error. Background work retries by
 * itself; a caller that sees this may retry later.
 */
public class RegistryUnavailableException extends DiscoveryException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception without a cause.
   *
   * @param message what could not be reached or what the registry answered
   */
  public RegistryUnavailableException(String message) {
    super(message);
  }

  /**
   * An exception caused by {@code cause}, such as an {@link java.io.IOException} of the connection.
   *
   * @param message what could not be reached or what the registry answered
   * @param cause   the underlying failure
   */
  public RegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
