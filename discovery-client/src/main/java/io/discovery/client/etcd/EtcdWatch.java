package io.discovery.client.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.discovery.client.RegistryUnavailableException;
import io.discovery.client.ServiceInstance;
import io.discovery.client.spi.WatchListener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.Response;

/**
 * One watch of a service's prefix: list it and deliver the list, then stream changes from the list's
 * revision + 1 and deliver each batch of events as changes, so no change between the two is missed. If
 * etcd compacted that revision away meanwhile, list again and watch from there. Ends with one
 * {@link WatchListener#onFailure} when the stream breaks; the view then starts a new watch, which
 * lists again.
 */
final class EtcdWatch {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(EtcdWatch.class);
  private final EtcdBackend backend;
  private final String service;
  private final WatchListener listener;
  private final String keyPrefix;
  private long revision;
  private volatile boolean closed;
  private volatile Call call;

  EtcdWatch(EtcdBackend backend, String service, WatchListener listener) {
    this.backend = backend;
    this.service = service;
    this.listener = listener;
    this.keyPrefix = backend.servicePrefix(service);
  }

  void run() {
    try {
      do {
        list();
      } while (!closed && !stream());
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        listener.onFailure(e instanceof RegistryUnavailableException ? e
            : new RegistryUnavailableException("etcd watch of '" + service + "' failed: " + e, e));
      }
    }
  }

  /** Reads the whole prefix and delivers it. */
  private void list() {
    ObjectNode range = EtcdGateway.prefixRange(keyPrefix);
    EtcdGateway.Reply reply = backend.gateway().post("/v3/kv/range", range);
    if (!reply.ok()) {
      throw new RegistryUnavailableException("etcd list of '" + keyPrefix + "' failed: " + reply.error());
    }
    List<ServiceInstance> instances = new ArrayList<>();
    for (JsonNode kv : reply.body().path("kvs")) {
      ServiceInstance instance = decode(EtcdGateway.fromBase64(kv.path("key").asText()), kv);
      if (instance != null) {
        instances.add(instance);
      }
    }
    revision = EtcdGateway.int64(reply.body().path("header"), "revision");
    if (!closed) {
      listener.onInstances(instances, revision);
    }
  }

  /**
   * Streams events from {@code revision + 1} until the stream ends or breaks (an exception).
   *
   * @return false if etcd compacted that revision away and the caller must list again
   */
  private boolean stream() throws IOException {
    ObjectNode create = EtcdGateway.JSON.createObjectNode();
    create.set("create_request", EtcdGateway.prefixRange(keyPrefix)
        .put("start_revision", Long.toString(revision + 1))
        .put("progress_notify", true)); // servers that send progress notifications keep a quiet stream talking
    EtcdGateway gateway = backend.gateway();
    HttpUrl endpoint = gateway.endpoint();
    Call started = gateway.stream(endpoint, "/v3/watch", create);
    call = started;
    if (closed) {
      started.cancel();
      return true;
    }
    try {
      return streamFrom(started);
    } catch (java.net.SocketTimeoutException silent) {
      // Nothing for the whole silence limit: the connection may be dead without a FIN (a crashed host, a NAT
      // that dropped it) or the member hung. List again on the next member and watch on a new connection;
      // only a failing list makes the view stale.
      log.debug("etcd watch of '{}' on {} silent past its limit; listing again on another member", keyPrefix, endpoint);
      gateway.rotate(endpoint);
      return false;
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        gateway.rotate(endpoint); // the next watch tries another member
      }
      throw e;
    } finally {
      call = null;
    }
  }

  private boolean streamFrom(Call started) throws IOException {
    try (Response response = started.execute()) {
      return readEvents(response);
    }
  }

  private boolean readEvents(Response response) throws IOException {
    if (!response.isSuccessful()) {
      if (response.code() == 401) {
        backend.gateway().tokenRefused();
      }
      throw new RegistryUnavailableException("etcd watch of '" + keyPrefix + "' answered HTTP " + response.code());
    }
    BufferedReader lines = new BufferedReader(new InputStreamReader(response.body().byteStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = lines.readLine()) != null) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode message = EtcdGateway.JSON.readTree(line);
      if (message.has("error")) {
        if (message.get("error").toString().contains("auth token")) {
          backend.gateway().tokenRefused();
        }
        throw new RegistryUnavailableException("etcd watch of '" + keyPrefix + "' failed: " + message.get("error"));
      }
      JsonNode result = message.path("result");
      if (EtcdGateway.int64(result, "compact_revision") > 0) {
        return false;
      }
      if (result.path("canceled").asBoolean(false)) {
        if (result.path("cancel_reason").asText("").contains("auth")) {
          backend.gateway().tokenRefused();
        }
        throw new RegistryUnavailableException("etcd canceled the watch of '" + keyPrefix + "': "
            + result.path("cancel_reason").asText("no reason given"));
      }
      JsonNode events = result.path("events");
      if (events.isEmpty()) {
        continue;
      }
      Map<String, ServiceInstance> changed = new LinkedHashMap<>(); // by key; null: gone (or no longer readable)
      for (JsonNode event : events) {
        JsonNode kv = event.path("kv");
        String key = EtcdGateway.fromBase64(kv.path("key").asText());
        changed.put(key, "DELETE".equals(event.path("type").asText()) ? null : decode(key, kv));
      }
      revision = Math.max(revision, EtcdGateway.int64(result.path("header"), "revision"));
      deliver(changed);
    }
    if (closed) {
      return true;
    }
    throw new RegistryUnavailableException("etcd closed the watch stream of '" + keyPrefix + "'");
  }

  private ServiceInstance decode(String key, JsonNode kv) {
    String value = EtcdGateway.fromBase64(kv.path("value").asText(""));
    return backend.decode(service, key, value, EtcdGateway.int64(kv, "mod_revision"));
  }

  /** Delivers the last state of each key a batch of events touched. */
  private void deliver(Map<String, ServiceInstance> changed) {
    List<ServiceInstance> upserted = new ArrayList<>();
    List<String> removedIds = new ArrayList<>();
    changed.forEach((key, instance) -> {
      if (instance != null) {
        upserted.add(instance);
      } else {
        removedIds.add(key.substring(keyPrefix.length()));
      }
    });
    if (!closed) {
      listener.onChanges(upserted, removedIds, revision);
    }
  }

  void close() {
    closed = true;
    Call c = call;
    if (c != null) {
      c.cancel();
    }
  }
}
