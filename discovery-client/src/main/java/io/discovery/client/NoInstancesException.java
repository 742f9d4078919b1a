package io.discovery.client;

/** No instance of a service is available to pick, e.g. none is registered. */
public class NoInstancesException extends DiscoveryException {
  private static final long serialVersionUID = 1L;
  private final String service;

  public NoInstancesException(String service, String message) {
    super(message);
    this.service = service;
  }

  /** An exception for an empty snapshot, saying whether the view is stale because the registry is unreachable. */
  public static NoInstancesException of(Snapshot snapshot) {
    String message = "no instances of '" + snapshot.service() + "' are registered";
    if (snapshot.stale()) {
      message += " (the registry is unreachable; this view was last updated at " + snapshot.updatedAt() + ")";
    }
    return new NoInstancesException(snapshot.service(), message);
  }

  /** The service that has no instances. */
  public String service() {
    return service;
  }
}
