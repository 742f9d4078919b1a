package io.discovery.client;

import java.time.Duration;
import java.util.List;

/**
 * Something a {@link DiscoveryClient} did or saw, delivered to its {@link DiscoveryListener}s on the
 * thread where it happened. Each event is an immutable record; {@link #message()} is the line the
 * default logging listener writes, at {@link #severity()}.
 */
public sealed interface DiscoveryEvent {

  /** How much an event deserves a reader's attention; the logging listener's level. */
  enum Severity {
    /** Routine detail, such as a view's instances changing. */
    DEBUG,
    /** A normal step: registered, deregistered, a view current again. */
    INFO,
    /** Something degraded that the client works around: a lost lease, an unreachable registry. */
    WARN,
    /** Something the client cannot work around on its own, such as a registration refused for good. */
    ERROR
  }

  /**
   * One line saying what happened, for a log.
   *
   * @return the message, without a trailing newline
   */
  String message();

  /**
   * How much it matters.
   *
   * @return the level the logging listener writes {@link #message()} at
   */
  Severity severity();

  /** {@code instance} is registered, for the first time or again after a loss or an outage ({@code again}). */
  record Registered(ServiceInstance instance, boolean again) implements DiscoveryEvent {
    @Override
    public String message() {
      return (again ? "registered again: " : "registered ") + describe(instance);
    }

    @Override
    public Severity severity() {
      return Severity.INFO;
    }
  }

  /** A register attempt failed; the client retries with backoff. */
  record RegisterFailed(ServiceInstance instance, Throwable cause) implements DiscoveryEvent {
    @Override
    public String message() {
      return "could not register " + describe(instance) + ": " + cause + "; retrying with backoff";
    }

    @Override
    public Severity severity() {
      return Severity.WARN;
    }
  }

  /** A renewal failed; the client retries at least once per heartbeat interval, while the lease may still live. */
  record RenewalFailed(ServiceInstance instance, Throwable cause) implements DiscoveryEvent {
    @Override
    public String message() {
      return "could not renew " + describe(instance) + ": " + cause + "; retrying with backoff";
    }

    @Override
    public Severity severity() {
      return Severity.WARN;
    }
  }

  /** The registry no longer holds the registration (expired, deleted); the client registers again at once. */
  record LeaseLost(ServiceInstance instance, String reason) implements DiscoveryEvent {
    @Override
    public String message() {
      return "lease of " + describe(instance) + " lost (" + reason + "); registering again";
    }

    @Override
    public Severity severity() {
      return Severity.WARN;
    }
  }

  /** The registry refused the instance for good; the client stopped trying (see {@link RegistrationState#FAILED}). */
  record Failed(ServiceInstance instance, RegistrationRejectedException cause) implements DiscoveryEvent {
    @Override
    public String message() {
      return "registry refused " + describe(instance) + " for good: " + cause.getMessage()
          + "; not retrying (fix the cause, then close this registration and register again)";
    }

    @Override
    public Severity severity() {
      return Severity.ERROR;
    }
  }

  /**
   * The registry now holds {@code instance} out of service (left out of every view) or back in
   * service, as {@link Registration#setOutOfService} asked.
   */
  record StatusChanged(ServiceInstance instance, boolean outOfService) implements DiscoveryEvent {
    @Override
    public String message() {
      return (outOfService ? "out of service (registered, left out of every view): " : "back in service: ")
          + describe(instance);
    }

    @Override
    public Severity severity() {
      return Severity.INFO;
    }
  }

  /** {@code instance} was deregistered by {@code close()} or the shutdown hook. */
  record Deregistered(ServiceInstance instance) implements DiscoveryEvent {
    @Override
    public String message() {
      return "deregistered " + describe(instance);
    }

    @Override
    public Severity severity() {
      return Severity.INFO;
    }
  }

  /** The registry answered for a view the first time. */
  record ViewLoaded(Snapshot snapshot) implements DiscoveryEvent {
    @Override
    public String message() {
      return "view of '" + snapshot.service() + "' loaded: " + snapshot.instances().size() + " instances";
    }

    @Override
    public Severity severity() {
      return Severity.DEBUG;
    }
  }

  /** A view started from its snapshot on disk, because the registry has not answered yet. */
  record ViewRestored(Snapshot snapshot) implements DiscoveryEvent {
    @Override
    public String message() {
      return "view of '" + snapshot.service() + "' starts from its snapshot on disk: " + snapshot.instances().size()
          + " instances saved at " + snapshot.updatedAt() + ", stale until the registry answers";
    }

    @Override
    public Severity severity() {
      return Severity.INFO;
    }
  }

  /** A view's watch failed: it serves its last instances, stale, and watches again with backoff. */
  record ViewStale(Snapshot snapshot, Throwable cause) implements DiscoveryEvent {
    @Override
    public String message() {
      return "watch of '" + snapshot.service() + "' failed: " + cause + "; serving the last " + snapshot.instances().size()
          + " instances as stale and watching again with backoff";
    }

    @Override
    public Severity severity() {
      return Severity.WARN;
    }
  }

  /** A stale view is current again. */
  record ViewFresh(Snapshot snapshot) implements DiscoveryEvent {
    @Override
    public String message() {
      return "view of '" + snapshot.service() + "' is current again (" + snapshot.instances().size() + " instances)";
    }

    @Override
    public Severity severity() {
      return Severity.INFO;
    }
  }

  /** A view's instances changed: {@code added} and {@code removed} since its previous list. */
  record ViewChanged(Snapshot snapshot, List<ServiceInstance> added, List<ServiceInstance> removed) implements DiscoveryEvent {
    /**
     * Copies the lists.
     *
     * @param snapshot the view's new snapshot
     * @param added    instances in the new list and not in the previous one; copied
     * @param removed  instances in the previous list and not in the new one; copied
     */
    public ViewChanged {
      added = List.copyOf(added);
      removed = List.copyOf(removed);
    }

    @Override
    public String message() {
      return "view of '" + snapshot.service() + "' changed: +" + added.size() + " -" + removed.size() + ", "
          + snapshot.instances().size() + " instances";
    }

    @Override
    public Severity severity() {
      return Severity.DEBUG;
    }
  }

  /**
   * The protect threshold held a view's list ({@code kept} instances) instead of an answer of
   * {@code answered}, for at most {@code hold} or until enough instances are back.
   */
  record ViewHeld(String service, int kept, int answered, Duration hold, double share) implements DiscoveryEvent {
    @Override
    public String message() {
      return "the registry's answer about '" + service + "' would leave " + answered + " of its " + kept
          + " instances at once; holding the previous list (stale) for up to " + hold + " or until at least "
          + Math.round(share * 100) + "% of them are back (protect threshold)";
    }

    @Override
    public Severity severity() {
      return Severity.WARN;
    }
  }

  /** A held view takes the registry's answer: enough instances came back ({@code expired} false) or the hold ran out. */
  record ViewReleased(Snapshot snapshot, boolean expired) implements DiscoveryEvent {
    @Override
    public String message() {
      return (expired ? "protect threshold for '" + snapshot.service() + "' ran out: accepting" : "view of '"
          + snapshot.service() + "' accepts") + " the registry's answer of " + snapshot.instances().size() + " instances";
    }

    @Override
    public Severity severity() {
      return expired ? Severity.WARN : Severity.INFO;
    }
  }

  private static String describe(ServiceInstance instance) {
    return "'" + instance.service() + "' instance '" + instance.id() + "' at " + instance.hostPort();
  }
}
