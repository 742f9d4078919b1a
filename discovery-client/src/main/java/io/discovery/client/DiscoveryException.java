package io.discovery.client;

/** Base of the library's unchecked exceptions. */
public class DiscoveryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DiscoveryException(String message) {
    super(message);
  }

  public DiscoveryException(String message, Throwable cause) {
    super(message, cause);
  }
}
