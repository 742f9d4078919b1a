package io.discovery.client;

/**
 * The registry refused a request for lack of permission (an ACL token missing or too weak); the
 * message says what to set. A registration refused so is {@link RegistrationState#FAILED}; a view
 * keeps watching with backoff, so fixing the token's policy heals it.
 */
public class RegistryAccessDeniedException extends RegistrationRejectedException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception for one refused request.
   *
   * @param message what the registry refused and which permission or token to set
   */
  public RegistryAccessDeniedException(String message) {
    super(message);
  }
}
