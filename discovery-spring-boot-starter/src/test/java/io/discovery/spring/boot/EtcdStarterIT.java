package io.discovery.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.discovery.client.etcd.EtcdServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** The starter against a real etcd that refuses requests over 16 KiB. */
class EtcdStarterIT extends StarterContract {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static EtcdServer etcd;

  @BeforeAll
  static void startEtcd() {
    etcd = EtcdServer.start("--max-request-bytes", "16384");
  }

  /** The JSON gateway's answer to a POST of {@code json} to {@code path}, e.g. {@code /v3/lease/timetolive}. */
  private static String post(String path, String json) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(etcd.endpoint() + path)).POST(HttpRequest.BodyPublishers.ofString(json))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  @AfterAll
  static void stopEtcd() {
    etcd.close();
  }

  @Override
  String registry() {
    return etcd.uri();
  }

  @Test
  void theRegistrationsLeaseHasTheConfiguredTtl() throws Exception {
    String name = uniqueName();
    startService(name, "discovery.ttl=7s");
    await().atMost(Duration.ofSeconds(20)).until(() -> !observer.service(name).instances().isEmpty());

    String prefix = "/services/" + name + "/";
    JsonNode keys = JSON.readTree(post("/v3/kv/range", "{\"key\":\"" + base64(prefix) + "\",\"range_end\":\""
        + base64("/services/" + name + "0") + "\"}")).path("kvs");  // '0' follows '/': the end of the prefix
    assertThat(keys).hasSize(1);
    JsonNode lease = JSON.readTree(post("/v3/lease/timetolive", "{\"ID\":\"" + keys.get(0).path("lease").asText() + "\"}"));

    assertThat(lease.path("grantedTTL").asLong()).isEqualTo(7);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void healthIsDownWhenTheRegistryRefusesTheInstance() throws Exception {
    ConfigurableApplicationContext service = startService(uniqueName(), "discovery.instance.metadata.blob=" + "x".repeat(20_000));
    int port = port(service);

    await().atMost(Duration.ofSeconds(20)).until(() -> get(port, "/actuator/health/discovery").statusCode() == 503);
    HttpResponse<String> health = get(port, "/actuator/health/discovery");

    assertThat(health.body()).contains("\"status\":\"DOWN\"", "\"state\":\"FAILED\"", "request is too large");
  }
}
