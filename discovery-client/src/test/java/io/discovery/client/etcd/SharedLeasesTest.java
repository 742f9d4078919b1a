package io.discovery.client.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SharedLeasesTest {
  private final List<Long> granted = new ArrayList<>();
  private final AtomicLong now = new AtomicLong();
  private final SharedLeases leases = new SharedLeases(ttl -> {
    granted.add(ttl);
    return "lease-" + granted.size();
  }, now::get);

  @Test
  void aRegistrationCountsAsAHolderFromTheMomentItGetsTheLease() {
    String first = leases.forTtl(10);
    String second = leases.forTtl(10); // its put is still in flight

    assertThat(second).isEqualTo(first);
    assertThat(leases.detached(first)).as("the first closes: the second still holds it").isFalse();
    assertThat(leases.detached(second)).as("the last one: revoke").isTrue();
    assertThat(leases.forTtl(10)).as("revoked: a new lease").isEqualTo("lease-2");
    assertThat(granted).containsExactly(10L, 10L);
  }

  @Test
  void aFailedPutGivesItsHoldUpAndTheLeaseIsReused() {
    String lease = leases.forTtl(10);
    leases.abandoned(lease);

    assertThat(leases.forTtl(10)).isEqualTo(lease);
    assertThat(granted).hasSize(1);
  }

  @Test
  void aLostLeaseIsReplacedAndItsHoldersDoNotRevokeTheNewOne() {
    String old = leases.forTtl(10);
    leases.lost(old);
    String fresh = leases.forTtl(10);

    assertThat(fresh).isNotEqualTo(old);
    assertThat(leases.detached(old)).isFalse();
    assertThat(leases.detached(fresh)).isTrue();
  }

  @Test
  void oneKeepalivePerQuarterTtlWhoeverRenews() {
    String lease = leases.forTtl(8);
    assertThat(leases.keepAliveDue(lease)).as("just granted").isFalse();
    now.addAndGet(2_000_000_000L);
    assertThat(leases.keepAliveDue(lease)).isTrue();
    leases.keptAlive(lease);
    now.addAndGet(1_999_999_999L);
    assertThat(leases.keepAliveDue(lease)).isFalse();
    assertThat(leases.keepAliveDue("unknown")).as("a lease this client lost: ask etcd").isTrue();
  }
}
