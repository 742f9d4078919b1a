package io.discovery.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.discovery.client.DiscoveryEvent.Severity;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each event's log line and level: what an operator reads. */
class DiscoveryEventTest {
  private static final ServiceInstance A = ServiceInstance.of("payments", "10.0.0.1:80");
  private static final ServiceInstance B = ServiceInstance.of("payments", "10.0.0.2:80");
  private static final Snapshot TWO = new Snapshot("payments", List.of(A, B), 7, Instant.parse("2026-11-28T10:00:00Z"), false);
  private static final IOException CAUSE = new IOException("connection refused");

  private static void check(DiscoveryEvent event, Severity severity, String message) {
    assertThat(event.severity()).as(event.getClass().getSimpleName()).isEqualTo(severity);
    assertThat(event.message()).isEqualTo(message);
  }

  @Test
  void registrationEvents() {
    check(new DiscoveryEvent.Registered(A, false), Severity.INFO, "registered 'payments' instance 'payments-10.0.0.1-80' at 10.0.0.1:80");
    check(new DiscoveryEvent.Registered(A, true), Severity.INFO,
        "registered again: 'payments' instance 'payments-10.0.0.1-80' at 10.0.0.1:80");
    check(new DiscoveryEvent.RegisterFailed(A, CAUSE), Severity.WARN,
        "could not register 'payments' instance 'payments-10.0.0.1-80' at 10.0.0.1:80: java.io.IOException: connection refused;"
            + " retrying with backoff");
    check(new DiscoveryEvent.RenewalFailed(A, CAUSE), Severity.WARN,
        "could not renew 'payments' instance 'payments-10.0.0.1-80' at 10.0.0.1:80: java.io.IOException: connection refused;"
            + " retrying with backoff");
    check(new DiscoveryEvent.LeaseLost(A, "expired"), Severity.WARN,
        "lease of 'payments' instance 'payments-10.0.0.1-80' at 10.0.0.1:80 lost (expired); registering again");
    check(new DiscoveryEvent.Failed(A, new RegistrationRejectedException("too large")), Severity.ERROR,
        "registry refused 'payments' instance 'payments-10.0.0.1-80' at 10.0.0.1:80 for good: too large;"
            + " not retrying (fix the cause, then close this registration and register again)");
    check(new DiscoveryEvent.Deregistered(A), Severity.INFO, "deregistered 'payments' instance 'payments-10.0.0.1-80' at 10.0.0.1:80");
  }

  @Test
  void viewEvents() {
    check(new DiscoveryEvent.ViewLoaded(TWO), Severity.DEBUG, "view of 'payments' loaded: 2 instances");
    check(new DiscoveryEvent.ViewRestored(TWO), Severity.INFO, "view of 'payments' starts from its snapshot on disk: 2 instances"
        + " saved at 2026-11-28T10:00:00Z, stale until the registry answers");
    check(new DiscoveryEvent.ViewStale(TWO, CAUSE), Severity.WARN, "watch of 'payments' failed: java.io.IOException: connection refused;"
        + " serving the last 2 instances as stale and watching again with backoff");
    check(new DiscoveryEvent.ViewFresh(TWO), Severity.INFO, "view of 'payments' is current again (2 instances)");
    check(new DiscoveryEvent.ViewChanged(TWO, List.of(B), List.of()), Severity.DEBUG, "view of 'payments' changed: +1 -0, 2 instances");
    check(new DiscoveryEvent.ViewHeld("payments", 10, 2, Duration.ofMinutes(1), 0.5), Severity.WARN,
        "the registry's answer about 'payments' would leave 2 of its 10 instances at once; holding the previous list (stale)"
            + " for up to PT1M or until at least 50% of them are back (protect threshold)");
    check(new DiscoveryEvent.ViewReleased(TWO, false), Severity.INFO, "view of 'payments' accepts the registry's answer of 2 instances");
    check(new DiscoveryEvent.ViewReleased(TWO, true), Severity.WARN,
        "protect threshold for 'payments' ran out: accepting the registry's answer of 2 instances");
  }

  @Test
  void aChangeKeepsItsOwnCopiesOfTheLists() {
    List<ServiceInstance> added = new java.util.ArrayList<>(List.of(A));
    DiscoveryEvent.ViewChanged changed = new DiscoveryEvent.ViewChanged(TWO, added, List.of(B));
    added.clear();

    assertThat(changed.added()).containsExactly(A);
    assertThat(changed.removed()).containsExactly(B);
  }
}
