package io.discovery.client;

/**
 * The registry refused a registration in a way that retrying cannot fix: a request larger than it
 * accepts, a field it does not allow, a missing permission. The registration is then
 * {@link RegistrationState#FAILED} with this as its {@link Registration#failure()}; fix the cause and
 * register again.
 */
public class RegistrationRejectedException extends DiscoveryException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception for one refused registration.
   *
   * @param message what the registry refused and why, as far as it said
   */
  public RegistrationRejectedException(String message) {
    super(message);
  }
}
