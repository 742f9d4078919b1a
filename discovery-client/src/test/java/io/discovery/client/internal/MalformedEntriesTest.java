package io.discovery.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.discovery.client.Stderr;
import io.discovery.client.spi.BackendContext;

import org.junit.jupiter.api.Test;

class MalformedEntriesTest {
  private final MalformedEntries entries = new MalformedEntries("etcd", 100);

  @Test
  void anEntryIsReportedOncePerVersion() {
    String out = Stderr.capture(() -> {
      entries.skipped("/services/payments/a", "7", "not JSON");
      entries.skipped("/services/payments/a", "7", "not JSON");
      entries.skipped("/services/payments/a", "8", "not JSON");
    });

    assertThat(out.lines().filter(l -> l.contains("skipping malformed etcd entry /services/payments/a"))).hasSize(2);
    assertThat(out).contains("(version 7): not JSON").contains("(version 8): not JSON").contains("WARN");
  }

  @Test
  void afterTenThousandEntriesItForgetsAndReportsAgain() {
    String out = Stderr.capture(() -> {
      entries.skipped("first", "1", "bad");
      for (int i = 0; i < 10_000; i++) {
        entries.skipped("entry-" + i, "1", "bad");
      }
      entries.skipped("first", "1", "bad"); // still remembered: 10,001 entries is not over the limit yet
      entries.skipped("one-more", "1", "bad"); // over: forgets all, then reports this one
      entries.skipped("first", "1", "bad");
    });

    assertThat(out.lines().filter(l -> l.contains("entry first "))).hasSize(2);
  }

  @Test
  void theLimitIsInclusive() {
    String out = Stderr.capture(() -> {
      assertThat(entries.tooLarge("a", "1", 100)).isFalse();
      assertThat(entries.tooLarge("b", "1", 101)).isTrue();
    });

    assertThat(out).contains("entry b (version 1): it takes 101 bytes, more than the limit of 100").doesNotContain("entry a ");
    assertThat(entries.maxBytes()).isEqualTo(100);
  }

  @Test
  void registeringAnInstanceOverTheLimitIsRefusedWithSizeAndLimit() {
    assertThat(entries.refusal("payments", "p-1", 100)).isNull();
    assertThat(entries.refusal("payments", "p-1", 101)).hasMessage("instance 'p-1' of 'payments' takes 101 bytes in etcd;"
        + " views skip instances over 100 bytes (DiscoveryClient.builder().maxInstanceBytes): keep large data out of the metadata");
  }

  @Test
  void registriesThatBoundEntriesThemselvesGetTheDefaultLimit() {
    assertThat(new MalformedEntries("consul").maxBytes()).isEqualTo(BackendContext.DEFAULT_MAX_INSTANCE_BYTES);
  }
}
