package io.discovery.client;

/**
 * The registry refused a request for lack of permission (an ACL token missing or too weak). Background
 * work keeps retrying with backoff, so fixing the token's policy heals it; the message says what to set.
 */
public class RegistryAccessDeniedException extends DiscoveryException {
  private static final long serialVersionUID = 1L;

  public RegistryAccessDeniedException(String message) {
    super(message);
  }
}
