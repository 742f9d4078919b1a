package io.discovery.client;

/**
 * The registry could not be reached or answered with a server error. Background work retries by
 * itself; a caller that sees this may retry later.
 */
public class RegistryUnavailableException extends DiscoveryException {
  private static final long serialVersionUID = 1L;

  public RegistryUnavailableException(String message) {
    super(message);
  }

  public RegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
