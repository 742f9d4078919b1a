package io.discovery.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.discovery.client.ServiceInstance;
import io.discovery.client.spi.BackendContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CuratorInstanceCodecTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ServiceInstance read(String json) {
    return CuratorInstanceCodec.read("payments", "p-1", json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void writesCuratorsFieldsInOrderWithSpringsPayload() throws Exception {
    ServiceInstance instance = ServiceInstance.builder("payments", "10.1.2.3:8888").id("p-1").metadata("v", "2").build();
    JsonNode node = JSON.readTree(CuratorInstanceCodec.write(instance, 1_700_000_000_000L));

    assertThat(node.properties()).extracting(java.util.Map.Entry::getKey).containsExactly(
        "name", "id", "address", "port", "sslPort", "payload", "registrationTimeUTC", "serviceType", "uriSpec", "enabled");
    assertThat(node.get("enabled").asBoolean()).isTrue();
    assertThat(node.get("sslPort").isNull()).isTrue();
    assertThat(node.get("serviceType").asText()).isEqualTo("DYNAMIC");
    assertThat(node.at("/payload/@class").asText()).isEqualTo("org.springframework.cloud.zookeeper.discovery.ZookeeperInstance");
    assertThat(node.at("/payload/metadata/instance_status").asText()).isEqualTo("UP");
    assertThat(node.at("/payload/metadata/v").asText()).isEqualTo("2");
    assertThat(node.at("/payload/metadata").has(CuratorInstanceCodec.WEIGHT)).as("default weight not written").isFalse();
  }

  @Test
  void anInstanceOutOfServiceIsWrittenAsSpringCloudAndCuratorMarkItAndReadAsAbsent() throws Exception {
    ServiceInstance instance = ServiceInstance.builder("payments", "10.1.2.3:8888").id("p-1")
        .metadata(ServiceInstance.STATUS, ServiceInstance.OUT_OF_SERVICE).build();
    JsonNode node = JSON.readTree(CuratorInstanceCodec.write(instance, 0));

    assertThat(node.at("/payload/metadata/instance_status").asText()).isEqualTo("OUT_OF_SERVICE");
    assertThat(node.get("enabled").asBoolean()).isFalse();
    assertThat(CuratorInstanceCodec.read("payments", "p-1", CuratorInstanceCodec.write(instance, 0))).isNull();
  }

  @Test
  void roundTripsEveryFieldIncludingSecureWeightAndZone() {
    ServiceInstance instance = ServiceInstance.builder("payments", "[2001:db8::7]:8443").id("p-1").secure()
        .weight(4).zone("eu-1b").metadata("team", "blue").build();
    assertThat(CuratorInstanceCodec.read("payments", "p-1", CuratorInstanceCodec.write(instance, 0))).isEqualTo(instance);
  }

  @Test
  void readsPlainMapPayloadsWrapperArraysAndNoPayloadAtAll() {
    assertThat(read("{\"address\":\"h\",\"port\":80,\"payload\":{\"@class\":\"java.util.HashMap\",\"team\":\"blue\"}}").metadata())
        .containsExactly(java.util.Map.entry("team", "blue"));
    assertThat(read("{\"address\":\"h\",\"port\":80,\"payload\":[\"com.acme.Meta\",{\"team\":\"red\"}]}").metadata())
        .containsEntry("team", "red");
    assertThat(read("{\"address\":\"h\",\"port\":80,\"payload\":null,\"future\":{}}"))
        .isEqualTo(ServiceInstance.builder("payments", "h:80").id("p-1").build());
  }

  @Test
  void outOfServiceAndDisabledInstancesAreLeftOut() {
    assertThat(read("{\"address\":\"h\",\"port\":80,\"payload\":{\"metadata\":{\"instance_status\":\"OUT_OF_SERVICE\"}}}")).isNull();
    assertThat(read("{\"address\":\"h\",\"port\":80,\"enabled\":false}")).isNull();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "not json                                  | not JSON",
      "[]                                        | expected a Curator ServiceInstance JSON object",
      "{\"port\":80}                             | field 'address' must be a string",
      "{\"address\":\"h\"}                       | field 'port' or 'sslPort' must be an integer",
      "{\"address\":\"h\",\"port\":0}            | invalid port 0",
      "{\"address\":\"a b\",\"port\":80}         | invalid host 'a b'",
      "{\"address\":\"h\",\"port\":80,\"payload\":{\"metadata\":{\"discovery.weight\":\"x\"}}} | metadata 'discovery.weight' must be an integer",
  })
  void malformedNodesSayWhatIsWrong(String json, String message) {
    assertThatThrownBy(() -> read(json)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  @Test
  void badUrisAreRefusedNamingTheBadPart() {
    ZooKeeperBackendFactory factory = new ZooKeeperBackendFactory();
    BackendContext context = new BackendContext(null, Duration.ofSeconds(10));
    assertThatThrownBy(() -> factory.create(URI.create("zookeeper://127.0.0.1:2181,nohost/services"), context))
        .hasMessageContaining("invalid ZooKeeper server 'nohost'");
    assertThatThrownBy(() -> factory.create(URI.create("zookeeper:///services"), context))
        .hasMessageContaining("expected zookeeper://host:port");
  }
}
