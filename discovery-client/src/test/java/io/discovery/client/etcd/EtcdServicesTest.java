package io.discovery.client.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.discovery.client.RegistryUnavailableException;
import io.discovery.client.spi.BackendContext;
import io.discovery.client.spi.RegistryBackend;
import io.discovery.testing.ManualScheduler;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EtcdServicesTest {
  private final ScriptedEtcd etcd = new ScriptedEtcd();
  private RegistryBackend backend;

  @AfterEach
  void close() {
    backend.close();
    etcd.close();
  }

  private static String key(String key) {
    return "{\"key\":\"" + Base64.getEncoder().encodeToString(key.getBytes()) + "\"}";
  }

  @Test
  void servicesAreTheSegmentsAfterThePrefixReadWithoutValues() {
    etcd.then("/v3/kv/range", 200, "{\"header\":{\"revision\":\"9\"},\"kvs\":[" + String.join(",",
        key("/svc/payments/a"), key("/svc/payments/b"), key("/svc/orders/x"), key("/svc/stray"), key("/svc/empty/"), key("/svc//x")) + "]}");
    backend = new EtcdBackendFactory().create(URI.create("etcd://127.0.0.1:" + etcd.server.getPort() + "/svc"),
        new BackendContext(new ManualScheduler(), Duration.ofSeconds(10)));

    assertThat(backend.services()).containsExactly("orders", "payments");
    ScriptedEtcd.Call range = etcd.calls("/v3/kv/range").get(0);
    assertThat(EtcdGateway.fromBase64(range.body().path("key").asText())).isEqualTo("/svc/");
    assertThat(EtcdGateway.fromBase64(range.body().path("range_end").asText())).isEqualTo("/svc0");
    assertThat(range.body().path("keys_only").asBoolean()).isTrue();
  }

  @Test
  void aRefusedListIsAnOutage() {
    etcd.then("/v3/kv/range", 400, "{\"error\":\"etcdserver: permission denied\"}");
    backend = new EtcdBackendFactory().create(URI.create(etcd.uri()), new BackendContext(new ManualScheduler(), Duration.ofSeconds(10)));

    assertThatThrownBy(backend::services).isInstanceOf(RegistryUnavailableException.class)
        .hasMessage("etcd could not list the keys under '/services/': etcdserver: permission denied");
  }
}
