package io.discovery.client.internal;

import io.discovery.client.spi.BackendContext;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs an entry a backend had to skip (not an instance, wrong fields, larger than the size limit)
 * once per entry version, so a bad value under the prefix is reported when it appears, not on every
 * read. Bounded: forgets all after 10,000 distinct entries.
 */
public final class MalformedEntries {
  private static final Logger log = LoggerFactory.getLogger(MalformedEntries.class);
  private static final int LIMIT = 10_000;
  private final String registry;
  private final int maxBytes;
  private final Set<String> reported = ConcurrentHashMap.newKeySet();

  /**
   * @param registry what the entries live in, for the log line (e.g. "etcd")
   * @param maxBytes the largest entry a view takes ({@link BackendContext#maxInstanceBytes()})
   */
  public MalformedEntries(String registry, int maxBytes) {
    this.registry = registry;
    this.maxBytes = maxBytes;
  }

  /**
   * For registries that bound entries themselves (Consul limits metadata to 64 pairs of 512 bytes):
   * the limit is {@link BackendContext#DEFAULT_MAX_INSTANCE_BYTES}.
   *
   * @param registry what the entries live in, for the log line (e.g. "consul")
   */
  public MalformedEntries(String registry) {
    this(registry, BackendContext.DEFAULT_MAX_INSTANCE_BYTES);
  }

  /**
   * The size limit.
   *
   * @return the largest entry, in bytes, that is not skipped
   */
  public int maxBytes() {
    return maxBytes;
  }

  /**
   * Whether an entry of {@code bytes} is over the limit; reports it as skipped if so.
   *
   * @param entry   the entry's key or path, for the log line
   * @param version the entry's version (a revision, a modification index), for the log line
   * @param bytes   the entry's size as the registry stores it, key and value
   * @return true when the caller must skip the entry
   */
  public boolean tooLarge(String entry, String version, long bytes) {
    if (bytes <= maxBytes) {
      return false;
    }
    skipped(entry, version, "it takes " + bytes + " bytes, more than the limit of " + maxBytes
        + " (DiscoveryClient.builder().maxInstanceBytes)");
    return true;
  }

  /**
   * The error for registering an instance of {@code bytes}: views skip it, so it would never be seen.
   *
   * @param service the instance's service, for the message
   * @param id      the instance's id, for the message
   * @param bytes   the instance's size as the registry would store it
   * @return the exception to throw, or null when the size is within the limit
   */
  public IllegalArgumentException refusal(String service, String id, long bytes) {
    if (bytes <= maxBytes) {
      return null;
    }
    return new IllegalArgumentException("instance '" + id + "' of '" + service + "' takes " + bytes + " bytes in "
        + registry + "; views skip instances over " + maxBytes
        + " bytes (DiscoveryClient.builder().maxInstanceBytes): keep large data out of the metadata");
  }

  /**
   * Logs a warning that {@code entry} at {@code version} was skipped, unless that version of it was
   * reported already.
   *
   * @param entry   the entry's key or path
   * @param version the entry's version; a new version is reported again
   * @param reason  why it was skipped, for the log line
   */
  public void skipped(String entry, String version, String reason) {
    if (reported.size() > LIMIT) {
      reported.clear();
    }
    if (reported.add(entry + "@" + version)) {
      log.warn("skipping malformed {} entry {} (version {}): {}", registry, entry, version, reason);
    }
  }
}
