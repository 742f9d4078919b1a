package io.discovery.client.spi;

import io.discovery.client.DiscoveryException;

/** The registry no longer holds a registration (expired, revoked or deleted); the client registers again. */
public class LeaseLostException extends DiscoveryException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception for one lost lease.
   *
   * @param message which registration is gone and, where known, why
   */
  public LeaseLostException(String message) {
    super(message);
  }
}
