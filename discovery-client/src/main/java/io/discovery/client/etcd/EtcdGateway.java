package io.discovery.client.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.discovery.client.RegistryAccessDeniedException;
import io.discovery.client.RegistryUnavailableException;
import java.io.IOException;
import io.discovery.client.internal.PemTls;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Calls etcd's v3 JSON gateway (etcd 3.4+): every call is a POST of a JSON body to {@code /v3/...}.
 * Tries the endpoints in turn when one cannot be reached. Quirks it absorbs (see
 * https://etcd.io/docs/v3.4/dev-guide/api_grpc_gateway/): keys and values are base64; 64-bit
 * integers travel as JSON strings; fields holding their default value are omitted.
 */
final class EtcdGateway {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType JSON_TYPE = MediaType.get("application/json");

  private final List<HttpUrl> endpoints;
  private final OkHttpClient unary;
  private final OkHttpClient streaming;
  private final AtomicInteger current = new AtomicInteger();
  private final io.discovery.client.spi.Credentials credentials;
  /** One member's share of the call timeout, at least 1 s: how long a call waits before moving on. */
  private final long attemptTimeoutMillis;
  /** The auth token from etcd, or null before the first authentication and after etcd refused it. */
  private volatile String token;

  EtcdGateway(List<HttpUrl> endpoints) {
    this(endpoints, null, null, Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(20));
  }

  /**
   * A gateway that authenticates as {@code credentials} (null: etcd without auth) and connects with
   * {@code tls} (null: the JVM's defaults, for https endpoints).
   */
  EtcdGateway(List<HttpUrl> endpoints, io.discovery.client.spi.Credentials credentials, PemTls tls, Duration connectTimeout, Duration callTimeout,
              Duration watchSilence) {
    this.credentials = credentials;
    this.endpoints = List.copyOf(endpoints);
    this.attemptTimeoutMillis = Math.max(1000, callTimeout.toMillis() / Math.max(1, endpoints.size()));
    OkHttpClient.Builder http = new OkHttpClient.Builder()
        .connectTimeout(connectTimeout)
        .readTimeout(callTimeout)
        .callTimeout(callTimeout)
        .retryOnConnectionFailure(false);
    if (tls != null) {
      http.sslSocketFactory(tls.socketFactory(), tls.trustManager());
    }
    this.unary = http.build();
    // A watch stream that says nothing for this long is taken for dead (HTTP/1.1 has no pings).
    this.streaming = unary.newBuilder().readTimeout(watchSilence).callTimeout(0, TimeUnit.SECONDS).build();
  }

  /** An etcd answer: HTTP status and parsed body. */
  record Reply(int status, JsonNode body) {
    boolean ok() {
      return status / 100 == 2 && !body.has("error");
    }

    String error() {
      return body.path("message").asText(body.path("error").asText("HTTP " + status));
    }
  }

  /**
   * POSTs {@code body} to {@code path}, moving on to the next endpoint when one cannot be reached,
   * times out, or answers 5xx (a member cut off from its quorum answers 503 "etcdserver: no
   * leader"); throws {@link RegistryUnavailableException} when every endpoint failed so.
   */
  Reply post(String path, ObjectNode body) {
    Reply reply = postOnce(path, body);
    if (credentials != null && tokenRefused(reply)) {
      token = null; // expired, or lost when etcd restarted: authenticate again, once
      reply = postOnce(path, body);
    }
    return reply;
  }

  private Reply postOnce(String path, ObjectNode body) {
    return postOnce(path, body, authorization());
  }

  private Reply postOnce(String path, ObjectNode body, String auth) {
    String last = null;
    IOException lastError = null;
    for (int tries = 0; tries < endpoints.size(); tries++) {
      HttpUrl endpoint = endpoint();
      Call call = unary.newCall(request(endpoint, path, body, auth));
      // A hung member (open sockets, no answers) costs its share of the call timeout, not all of it.
      call.timeout().timeout(attemptTimeoutMillis, TimeUnit.MILLISECONDS);
      try (Response response = call.execute()) {
        String text = response.body().string();
        JsonNode json = text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text);
        if (response.code() >= 500 && response.code() != 501) {
          last = endpoint + " answered HTTP " + response.code() + ": " + json.path("message").asText(text);
          rotate(endpoint);
          continue;
        }
        return new Reply(response.code(), json);
      } catch (IOException e) {
        last = endpoint + ": " + e;
        lastError = e;
        rotate(endpoint);
      }
    }
    throw new RegistryUnavailableException("no etcd member of " + endpoints + " answered " + path + "; the last: " + last,
        lastError);
  }

  /**
   * Starts a streaming POST (a watch) on {@code endpoint}; the caller reads and closes the response.
   * It asks etcd to require a leader ({@code hasleader} metadata, passed by the gateway from the
   * {@code Grpc-Metadata-} header, as clientv3's WithRequireLeader does), so a member that lost its
   * quorum ends the stream instead of keeping it silently.
   */
  Call stream(HttpUrl endpoint, String path, ObjectNode body) {
    Request request = request(endpoint, path, body, authorization()).newBuilder().header("Grpc-Metadata-hasleader", "true").build();
    return streaming.newCall(request);
  }

  /** Forgets the token after etcd refused it on a stream, so that the next call authenticates again. */
  void tokenRefused() {
    token = null;
  }

  /** Whether etcd refused the token: HTTP 401, or an error naming an invalid or expired token. */
  static boolean tokenRefused(Reply reply) {
    String error = reply.body().path("error").asText("");
    // "auth store is old": a user or role changed since the token was issued (etcd's own client gets a new one).
    return reply.status() == 401 || error.contains("invalid auth token") || error.contains("auth token is expired")
        || error.contains("revision of auth store is old") || error.contains("user name is empty");
  }

  /**
   * The token to send, authenticating first when there is none (https://etcd.io/docs/v3.4/dev-guide/api_grpc_gateway/:
   * {@code /v3/auth/authenticate}, then the token in the {@code Authorization} header); null without credentials.
   */
  private String authorization() {
    if (credentials == null) {
      return null;
    }
    String current = token;
    if (current != null) {
      return current;
    }
    synchronized (this) {
      if (token == null) {
        token = authenticate();
      }
      return token;
    }
  }

  private String authenticate() {
    ObjectNode request = JSON.createObjectNode().put("name", credentials.user()).put("password", credentials.password());
    Reply reply = postOnce("/v3/auth/authenticate", request, null);
    String error = reply.body().path("error").asText(reply.body().path("message").asText(""));
    if (error.contains("authentication is not enabled")) {
      return "";
    }
    String issued = reply.body().path("token").asText("");
    if (error.contains("authentication failed")) {
      throw new RegistryAccessDeniedException("etcd refused to authenticate user '" + credentials.user() + "': " + error
          + "; check the user and password in the registry URI");
    }
    if (!reply.ok() || issued.isEmpty()) {
      throw new RegistryUnavailableException("etcd could not authenticate user '" + credentials.user() + "': "
          + (error.isEmpty() ? "HTTP " + reply.status() : error));
    }
    return issued;
  }

  /** Moves to the next endpoint after {@code failed} could not be reached. */
  void rotate(HttpUrl failed) {
    int i = current.get();
    if (endpoints.get(Math.floorMod(i, endpoints.size())).equals(failed)) {
      current.compareAndSet(i, i + 1);
    }
  }

  HttpUrl endpoint() {
    return endpoints.get(Math.floorMod(current.get(), endpoints.size()));
  }

  private static Request request(HttpUrl endpoint, String path, ObjectNode body, String token) {
    Request.Builder request = new Request.Builder()
        .url(endpoint.newBuilder().encodedPath(path).build())
        .post(RequestBody.create(body.toString(), JSON_TYPE));
    if (token != null && !token.isEmpty()) {
      request.header("Authorization", token);
    }
    return request.build();
  }

  void close() {
    unary.dispatcher().cancelAll();
    streaming.dispatcher().cancelAll();
    unary.connectionPool().evictAll();
  }

  static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  static String fromBase64(String text) {
    return new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
  }

  /** A 64-bit integer field, sent as a string by the gateway and absent when 0. */
  static long int64(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isMissingNode() || value.isNull() ? 0 : Long.parseLong(value.asText());
  }

  /** A request body for every key under {@code prefix}: {@code key} and {@code range_end}, base64. */
  static ObjectNode prefixRange(String prefix) {
    return JSON.createObjectNode().put("key", base64(prefix)).put("range_end", base64(rangeEnd(prefix)));
  }

  /** The end of a prefix range: the prefix with its last byte plus one. */
  static String rangeEnd(String prefix) {
    char last = prefix.charAt(prefix.length() - 1);
    return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
  }
}
