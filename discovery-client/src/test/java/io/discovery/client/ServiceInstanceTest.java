package io.discovery.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.discovery.client.internal.InstanceCodec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ServiceInstanceTest {

  @Test
  void parsesHostPortAndDerivesAStableId() {
    ServiceInstance a = ServiceInstance.of("payments", "10.1.2.3:8888");
    assertThat(a.host()).isEqualTo("10.1.2.3");
    assertThat(a.port()).isEqualTo(8888);
    assertThat(a.id()).isEqualTo("payments-10.1.2.3-8888");
    assertThat(a.weight()).isEqualTo(1);
    assertThat(a.zone()).isNull();
    assertThat(ServiceInstance.of("payments", "10.1.2.3:8888")).isEqualTo(a);
  }

  @Test
  void acceptsHostnamesAndBracketedIpv6() {
    assertThat(ServiceInstance.of("payments", "pay-1.internal.example:443").host()).isEqualTo("pay-1.internal.example");
    ServiceInstance v6 = ServiceInstance.of("payments", "[2001:db8::1]:9000");
    assertThat(v6.host()).isEqualTo("2001:db8::1");
    assertThat(v6.hostPort()).isEqualTo("[2001:db8::1]:9000");
    assertThat(v6.id()).isEqualTo("payments-2001_db8__1-9000");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''               | invalid service name ''",
      "pay/ments        | invalid service name 'pay/ments'",
      "-payments        | invalid service name '-payments'",
      "pay ments        | invalid service name 'pay ments'",
  })
  void rejectsBadServiceNamesNamingThem(String service, String message) {
    assertThatThrownBy(() -> ServiceInstance.of(service, "10.1.2.3:80"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message)
        .hasMessageContaining("expected 1 to 63 letters");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "10.1.2.3.4:80    | invalid host '10.1.2.3.4': expected a hostname, IPv4",
      "10.1.2.300:80    | invalid host '10.1.2.300'",
      "bad_host:80      | invalid host 'bad_host'",
      "[2001:db8::1::2]:80 | invalid host '2001:db8::1::2'",
      "10.1.2.3:0       | invalid port 0 in '10.1.2.3:0': expected 1 to 65535",
      "10.1.2.3:65536   | invalid port 65536",
      "10.1.2.3:http    | invalid port 'http'",
      "10.1.2.3         | invalid address '10.1.2.3' of service 'payments': expected host:port",
      "2001:db8::1      | invalid address '2001:db8::1'",
  })
  void rejectsBadAddressesNamingTheBadValue(String hostPort, String message) {
    assertThatThrownBy(() -> ServiceInstance.of("payments", hostPort))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, ServiceInstance.MAX_WEIGHT + 1})
  void rejectsWeightsOutOfRange(int weight) {
    assertThatThrownBy(() -> ServiceInstance.builder("payments", "10.1.2.3:80").weight(weight).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid weight " + weight);
  }

  @Test
  void rejectsIdsThatWouldBreakTheKeyLayout() {
    assertThatThrownBy(() -> ServiceInstance.builder("payments", "10.1.2.3:80").id("a/b").build())
        .hasMessageContaining("invalid instance id 'a/b'");
  }

  @Test
  void roundTripsThroughJson() {
    ServiceInstance instance = ServiceInstance.builder("payments", "10.1.2.3:8443")
        .id("p-1").secure().weight(5).zone("eu-1a").metadata("version", "2.1").metadata("canary", "true").build();
    String json = InstanceCodec.toJson(instance);
    assertThat(json).isEqualTo("{\"service\":\"payments\",\"id\":\"p-1\",\"host\":\"10.1.2.3\",\"port\":8443,"
        + "\"secure\":true,\"metadata\":{\"canary\":\"true\",\"version\":\"2.1\"},\"weight\":5,\"zone\":\"eu-1a\"}");
    assertThat(InstanceCodec.fromJson(json)).isEqualTo(instance);
  }

  @Test
  void readsJsonWithUnknownFieldsAndMissingOptionalOnes() {
    ServiceInstance read = InstanceCodec.fromJson(
        "{\"service\":\"payments\",\"id\":\"p-1\",\"host\":\"h\",\"port\":80,\"added_in_v9\":{\"x\":[1]}}");
    assertThat(read).isEqualTo(ServiceInstance.builder("payments", "h:80").id("p-1").build());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "not json                                              | not JSON",
      "[1,2]                                                 | expected a JSON object",
      "{\"service\":\"p\",\"id\":\"i\",\"host\":\"h\"}       | field 'port' must be an integer",
      "{\"service\":\"p\",\"id\":\"i\",\"host\":\"h\",\"port\":\"80\"} | field 'port' must be an integer",
      "{\"service\":\"p\",\"id\":\"i\",\"host\":\"1.2.3.4.5\",\"port\":80} | invalid host '1.2.3.4.5'",
  })
  void rejectsMalformedJsonSayingWhy(String json, String message) {
    assertThatThrownBy(() -> InstanceCodec.fromJson(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
