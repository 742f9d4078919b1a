package io.discovery.client;

/** No instance of a service is available to pick, e.g. none is registered. */
public class NoInstancesException extends DiscoveryException {
  private static final long serialVersionUID = 1L;
  /** The service that has no instances. */
  private final String service;

  /**
   * An exception for {@code service}; {@link #of(Snapshot)} writes a message that says why.
   *
   * @param service the service that has no instances
   * @param message the complete message, shown to users as it is
   */
  public NoInstancesException(String service, String message) {
    super(message);
    this.service = service;
  }

  /**
   * An exception for an empty snapshot that tells apart a registry that never answered for this
   * service, one that answered "none" and is unreachable now, and one that answers "none" now.
   *
   * @param snapshot the empty snapshot a caller found
   * @return the exception, not thrown
   */
  public static NoInstancesException of(Snapshot snapshot) {
    String service = snapshot.service();
    String message;
    if (!snapshot.loaded()) {
      message = "no instances of '" + service + "' are known: the registry has not answered for this service since "
          + snapshot.updatedAt() + "; check that the registry is reachable (the view fills in when it answers)";
    } else if (snapshot.stale()) {
      message = "no instances of '" + service + "' were registered when the registry last answered, at "
          + snapshot.updatedAt() + "; the registry is unreachable now";
    } else {
      message = "no instances of '" + service + "' are registered";
    }
    if (snapshot.partial()) {
      message += " (the registry left out instances this client may not read: with Consul, give the ACL token"
          + " service:read on '" + service + "' and node:read)";
    }
    return new NoInstancesException(service, message);
  }

  /**
   * The service that has no instances.
   *
   * @return the service name as given to the constructor
   */
  public String service() {
    return service;
  }
}
