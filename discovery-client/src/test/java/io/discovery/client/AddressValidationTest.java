package io.discovery.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The edges of host and port validation: each valid form at its limit, each invalid one just past it. */
class AddressValidationTest {

  @ParameterizedTest
  @ValueSource(strings = {"[::1]:80", "[::]:80", "[1:2:3:4:5:6:7:8]:80", "[1::8]:80", "[::ffff:10.0.0.1]:80", "[1:2:3:4:5:6:1.2.3.4]:80",
      "[fe80::1%eth0]:80", "[abcd:ef01::]:80", "[1:2:3:4:5:6:7::]:80"})
  void validIpv6Addresses(String hostPort) {
    ServiceInstance instance = ServiceInstance.of("payments", hostPort);
    assertThat(instance.hostPort()).isEqualTo(hostPort);
    assertThat(instance.port()).isEqualTo(80);
  }

  @ParameterizedTest
  @ValueSource(strings = {"[1:2:3:4:5:6:7]:80", "[1:2:3:4:5:6:7:8:9]:80", "[1::2::3]:80", "[12345::1]:80", "[1.2.3.4::1]:80",
      "[::1.2.3]:80", "[::256.1.1.1]:80", "[1:2:3:4:5:6:7:1.2.3.4]:80", "[1:2:3:4:5:6:7:8::]:80"})
  void invalidIpv6Addresses(String hostPort) {
    assertThatThrownBy(() -> ServiceInstance.of("payments", hostPort)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a valid IPv6 address");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "255.255.255.255", "10.0.0.1", "001.002.003.004"})
  void validIpv4Addresses(String host) {
    assertThat(ServiceInstance.of("payments", host + ":1").host()).isEqualTo(host);
  }

  @ParameterizedTest
  @ValueSource(strings = {"256.0.0.1", "1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.", "0001.2.3.4"})
  void invalidIpv4Addresses(String host) {
    assertThatThrownBy(() -> ServiceInstance.of("payments", host + ":80")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid host '" + host + "'");
  }

  @Test
  void portsFromOneTo65535() {
    assertThat(ServiceInstance.of("payments", "h:1").port()).isEqualTo(1);
    assertThat(ServiceInstance.of("payments", "h:65535").port()).isEqualTo(65535);
    assertThatThrownBy(() -> ServiceInstance.of("payments", "h:0")).hasMessage("invalid port 0 in 'h:0': expected 1 to 65535");
    assertThatThrownBy(() -> ServiceInstance.of("payments", "h:65536")).hasMessage("invalid port 65536 in 'h:65536': expected 1 to 65535");
    assertThatThrownBy(() -> ServiceInstance.of("payments", "h:x")).hasMessage("invalid port 'x' in 'h:x': expected 1 to 65535");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[::1]", "[::1]80", "[::1", "::1:80", "h", ""})
  void addressesWithoutAPortAreRefused(String hostPort) {
    assertThatThrownBy(() -> ServiceInstance.of("payments", hostPort)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid address '" + hostPort + "' of service 'payments'");
  }

  @Test
  void theDefaultIdKeepsColonsAndZonesOutOfKeys() {
    assertThat(ServiceInstance.of("payments", "[fe80::1%eth0]:80").id()).isEqualTo("payments-fe80__1_eth0-80");
  }

  @Test
  void aBuilderKeepsEveryFieldItWasGiven() {
    ServiceInstance built = ServiceInstance.builder("Payments", "10.0.0.1:8443").id("p-1").secure().weight(7).zone("eu-1")
        .metadata("version", "2").build();

    assertThat(built.service()).isEqualTo("payments");
    assertThat(built.id()).isEqualTo("p-1");
    assertThat(built.secure()).isTrue();
    assertThat(built.weight()).isEqualTo(7);
    assertThat(built.zone()).isEqualTo("eu-1");
    assertThat(built.metadata()).containsEntry("version", "2").hasSize(1);
    assertThat(built.toBuilder().build()).isEqualTo(built);
    assertThat(built.toBuilder().weight(3).build().weight()).isEqualTo(3);
  }

  @Test
  void aBlankZoneIsNoZone() {
    assertThat(ServiceInstance.builder("payments", "10.0.0.1:80").zone("  ").build().zone()).isNull();
  }
}
