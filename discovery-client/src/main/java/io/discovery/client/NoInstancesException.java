package io.discovery.client;

/** No instance of a service is available to pick, e.g. none is registered. */
public class NoInstancesException extends DiscoveryException {
  private static final long serialVersionUID = 1L;
  private final String service;

  public NoInstancesException(String service, String message) {
    super(message);
    this.service = service;
  }

  /**
   * An exception for an empty snapshot that tells apart a registry that never answered for this
   * service, one that answered "none" and is unreachable now, and one that answers "none" now.
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

  /** The service that has no instances. */
  public String service() {
    return service;
  }
}
