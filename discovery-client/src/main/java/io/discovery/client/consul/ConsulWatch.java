package io.discovery.client.consul;

import com.fasterxml.jackson.databind.JsonNode;
import io.discovery.client.RegistryUnavailableException;
import io.discovery.client.ServiceInstance;
import io.discovery.client.spi.WatchListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Response;

/**
 * One service's blocking-query loop, on OkHttp's asynchronous calls. Follows Consul's index rules
 * (https://developer.hashicorp.com/consul/api-docs/features/blocking): send back the last
 * {@code X-Consul-Index}; if it goes backwards (e.g. a restarted agent), start again from 0; never
 * send an index below 1 after the first answer; and wait at least {@value #MIN_INTERVAL_MILLIS} ms
 * between queries, so an index that keeps moving cannot spin. A return does not mean a change: the
 * list is delivered only when it differs. Any failure ends the watch with one
 * {@link WatchListener#onFailure}; the view then keeps its last snapshot, stale, and watches again.
 */
final class ConsulWatch implements Callback {
  static final long MIN_INTERVAL_MILLIS = 100;

  private final ConsulBackend backend;
  private final String service;
  private final WatchListener listener;
  private volatile boolean closed;
  private volatile Call call;
  private long index;
  private long sentAt;
  private List<ServiceInstance> last;
  private boolean lastFiltered;

  ConsulWatch(ConsulBackend backend, String service, WatchListener listener) {
    this.backend = backend;
    this.service = service;
    this.listener = listener;
  }

  void start() {
    send();
  }

  private void send() {
    if (closed) {
      return;
    }
    sentAt = System.nanoTime();
    Call next = backend.blockingClient().newCall(backend.healthQuery(service, index));
    call = next;
    if (closed) {
      // close() ran after the check above and may have cancelled the previous call, not this one.
      next.cancel();
      return;
    }
    next.enqueue(this);
  }

  @Override
  public void onResponse(Call c, Response response) {
    List<ServiceInstance> instances;
    long answered;
    boolean filtered;
    try (response) {
      backend.check(response, "read the health of '" + service + "'");
      answered = parseIndex(response.header("X-Consul-Index"));
      // agent/http.go sets this when ACLs removed entries from a 200 answer.
      filtered = "true".equalsIgnoreCase(response.header("X-Consul-Results-Filtered-By-ACLs"));
      JsonNode entries = ConsulBackend.JSON.readTree(response.body().string());
      if (!entries.isArray()) {
        throw new RegistryUnavailableException("Consul answered the health of '" + service + "' with " + entries.getNodeType() + ", not an array");
      }
      instances = new ArrayList<>(entries.size());
      List<String> nodes = new ArrayList<>(entries.size());
      for (JsonNode entry : entries) {
        ServiceInstance instance = backend.decode(service, entry);
        if (instance != null) {
          instances.add(instance);
          nodes.add(entry.path("Node").path("Node").asText(""));
        }
      }
      instances = ConsulJson.qualifySharedIds(instances, nodes);
    } catch (IOException | RuntimeException e) {
      fail(e);
      return;
    }
    index = answered < index ? 0 : Math.max(1, answered);
    if (filtered) {
      backend.filteredByAcl(service);
    }
    if (!instances.equals(last) || filtered != lastFiltered) {
      last = instances;
      lastFiltered = filtered;
      if (!closed) {
        listener.onInstances(instances, index, filtered);
      }
    }
    long wait = TimeUnit.MILLISECONDS.toNanos(MIN_INTERVAL_MILLIS) - (System.nanoTime() - sentAt);
    if (wait > 0) {
      LockSupport.parkNanos(wait);
    }
    send();
  }

  private static long parseIndex(String header) {
    try {
      return header == null ? 0 : Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public void onFailure(Call c, IOException e) {
    fail(new RegistryUnavailableException("Consul agent unreachable at " + backend.base() + " while watching '" + service + "': " + e.getMessage(), e));
  }

  private void fail(Throwable error) {
    if (closed) {
      return;
    }
    closed = true;
    backend.forget(this);
    listener.onFailure(error);
  }

  void close() {
    closed = true;
    backend.forget(this);
    Call c = call;
    if (c != null) {
      c.cancel();
    }
  }
}
