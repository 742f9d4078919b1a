package io.discovery.client;

/**
 * The registry refused a request for lack of permission (an ACL token missing or too weak); the
 * message says what to set. A registration refused so is {@link RegistrationState#FAILED}; a view
 * keeps watching with backoff, so fixing the token's policy heals it.
 */
public class RegistryAccessDeniedException extends RegistrationRejectedException {
  private static final long serialVersionUID = 1L;

  public RegistryAccessDeniedException(String message) {
    super(message);
  }
}
