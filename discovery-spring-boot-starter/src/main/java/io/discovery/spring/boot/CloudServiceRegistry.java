package io.discovery.spring.boot;

import io.discovery.client.Registration;
import io.discovery.client.RegistrationState;
import java.util.Locale;

/**
 * Spring Cloud's {@code ServiceRegistry} over the {@link ServiceRegistrar}: with it, the
 * {@code serviceregistry} actuator endpoint reads this application's status and takes it out of
 * service and back ({@code POST {"status":"OUT_OF_SERVICE"}}, then {@code "UP"}), as with Eureka or
 * Spring Cloud Consul: the instance stays registered but leaves every view, so a deployment can
 * drain it before stopping it.
 */
public final class CloudServiceRegistry
    implements org.springframework.cloud.client.serviceregistry.ServiceRegistry<CloudRegistration> {
  /** The status of a registered instance in service. */
  public static final String UP = "UP";
  /** The status of an instance registered but left out of every view. */
  public static final String OUT_OF_SERVICE = "OUT_OF_SERVICE";

  /**
   * Registers the application again after a {@link #deregister}; the registrar registers it at
   * startup. Does nothing (and logs why) without a listening web server or once the context stops.
   */
  @Override
  public void register(CloudRegistration registration) {
    registration.registrar().register();
  }

  @Override
  public void deregister(CloudRegistration registration) {
    registration.registrar().deregister();
  }

  /** Nothing to do: the {@code DiscoveryClient} bean is closed with the context. */
  @Override
  public void close() {
  }

  /**
   * Takes the instance out of service, or brings it back.
   *
   * @param status {@value #OUT_OF_SERVICE} or {@value #UP}, in any case
   * @throws IllegalArgumentException naming {@code status} when it is neither
   * @throws IllegalStateException when the application is not registered
   */
  @Override
  public void setStatus(CloudRegistration registration, String status) {
    String wanted = status == null ? "" : status.trim().toUpperCase(Locale.ROOT);
    if (!wanted.equals(UP) && !wanted.equals(OUT_OF_SERVICE)) {
      throw new IllegalArgumentException("unknown status '" + status + "': expected " + UP + " or " + OUT_OF_SERVICE);
    }
    Registration current = registration.registrar().registration().orElseThrow(() -> new IllegalStateException(
        "cannot set the status to " + wanted + ": this application is not registered"));
    current.setOutOfService(wanted.equals(OUT_OF_SERVICE));
  }

  /**
   * The status: {@value #OUT_OF_SERVICE} when asked for (whether or not the registry has it yet),
   * {@value #UP} when registered, else the registration's state ({@code REGISTERING}, {@code RETRYING},
   * {@code FAILED}), or {@code CLOSED} when not registered.
   */
  @Override
  @SuppressWarnings("unchecked")
  public <T> T getStatus(CloudRegistration registration) {
    String status = registration.registrar().registration().map(CloudServiceRegistry::status)
        .orElse(RegistrationState.CLOSED.name());
    return (T) status;
  }

  private static String status(Registration registration) {
    if (registration.outOfService()) {
      return OUT_OF_SERVICE;
    }
    RegistrationState state = registration.state();
    return state == RegistrationState.REGISTERED ? UP : state.name();
  }
}
