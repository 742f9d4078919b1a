package io.discovery.client.spi;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs an entry a backend had to skip (not an instance, wrong fields) once per entry version, so a
 * bad value under the prefix is reported when it appears, not on every read. Bounded: forgets all
 * after 10,000 distinct entries.
 */
public final class MalformedEntries {
  private static final Logger log = LoggerFactory.getLogger(MalformedEntries.class);
  private static final int LIMIT = 10_000;
  private final String registry;
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  /** @param registry what the entries live in, for the log line (e.g. "etcd") */
  public MalformedEntries(String registry) {
    this.registry = registry;
  }

  /** Reports that {@code entry} at {@code version} was skipped because of {@code reason}, unless already reported. */
  public void skipped(String entry, String version, String reason) {
    if (reported.size() > LIMIT) {
      reported.clear();
    }
    if (reported.add(entry + "@" + version)) {
      log.warn("skipping malformed {} entry {} (version {}): {}", registry, entry, version, reason);
    }
  }
}
