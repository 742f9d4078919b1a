package io.discovery.client.etcd;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * The leases a backend's registrations share: one per TTL (a client has one), granted by the first
 * registration that needs it and given up when etcd says it is gone. Every registration renews; the
 * keepalive is sent only when none was sent in the last quarter TTL, so a client with 200
 * registrations keeps one lease alive, not 200.
 */
final class SharedLeases {
  private final LongFunction<String> grant;
  private final LongSupplier nanoTime;
  /** Guarded by this. */
  private final Map<Long, Entry> byTtl = new HashMap<>();
  /** Guarded by this. */
  private final Map<String, Entry> byId = new HashMap<>();

  /** @param grant grants a lease of the given seconds and returns its id; throws when etcd refuses */
  SharedLeases(LongFunction<String> grant, LongSupplier nanoTime) {
    this.grant = grant;
    this.nanoTime = nanoTime;
  }

  /**
   * A live lease of {@code ttlSeconds}, counting the caller as one of its holders at once (so that a
   * registration closing meanwhile does not revoke it); grants one (once, for all callers at that
   * moment) if there is none. A caller whose put then fails calls {@link #abandoned}.
   */
  synchronized String forTtl(long ttlSeconds) {
    Entry entry = byTtl.get(ttlSeconds);
    if (entry == null) {
      entry = new Entry(grant.apply(ttlSeconds), ttlSeconds, nanoTime.getAsLong());
      byTtl.put(ttlSeconds, entry);
      byId.put(entry.id, entry);
    }
    entry.holders++;
    return entry.id;
  }

  /** The holder's put failed: it no longer counts, and the lease stays for the next registration or expires. */
  synchronized void abandoned(String id) {
    Entry entry = byId.get(id);
    if (entry != null) {
      entry.holders--;
    }
  }

  /** Whether a renewal of the lease {@code id} should send a keepalive now. */
  synchronized boolean keepAliveDue(String id) {
    Entry entry = byId.get(id);
    return entry == null || nanoTime.getAsLong() - entry.keptAliveAt >= entry.ttlSeconds * 250_000_000L;
  }

  synchronized void keptAlive(String id) {
    Entry entry = byId.get(id);
    if (entry != null) {
      entry.keptAliveAt = nanoTime.getAsLong();
    }
  }

  /** etcd no longer has the lease {@code id}: the next registration gets a new one. */
  synchronized void lost(String id) {
    Entry entry = byId.remove(id);
    if (entry != null) {
      byTtl.remove(entry.ttlSeconds, entry);
    }
  }

  /**
   * A registration on lease {@code id} ended.
   *
   * @return true when it was the last one on a lease still shared: the caller revokes it
   */
  synchronized boolean detached(String id) {
    Entry entry = byId.get(id);
    if (entry == null || --entry.holders > 0) {
      return false;
    }
    lost(id);
    return true;
  }

  private static final class Entry {
    final String id;
    final long ttlSeconds;
    long keptAliveAt;
    int holders;

    Entry(String id, long ttlSeconds, long grantedAt) {
      this.id = id;
      this.ttlSeconds = ttlSeconds;
      this.keptAliveAt = grantedAt;
    }
  }
}
