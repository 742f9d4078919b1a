package io.discovery.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.discovery.client.HostAddress.Candidate;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostAddressTest {

  private static Candidate nic(String name, int index, String ip, boolean up) throws Exception {
    return new Candidate(name, index, InetAddress.getByName(ip), up, ip.equals("127.0.0.1") || ip.equals("::1"), false);
  }

  @Test
  void theVariableWinsOverEveryInterface() throws Exception {
    HostAddress.Choice choice = HostAddress.choose(" 10.9.8.7 ", List.of(nic("eth0", 2, "10.0.0.5", true)));
    assertThat(choice.host()).isEqualTo("10.9.8.7");
    assertThat(choice.reason()).contains("DISCOVERY_HOST");
  }

  @Test
  void aSiteLocalIpv4AddressOfTheLowestUpInterfaceIsPreferred() throws Exception {
    List<Candidate> candidates = List.of(
        nic("lo", 1, "127.0.0.1", true),
        nic("eth9", 9, "192.168.1.20", true),
        nic("eth1", 3, "203.0.113.7", true), // public
        nic("eth0", 2, "fe80::1", true), // link-local
        nic("eth2", 4, "10.0.0.5", true),
        nic("down0", 0, "10.1.1.1", false));

    HostAddress.Choice choice = HostAddress.choose(null, candidates);

    assertThat(choice.host()).isEqualTo("10.0.0.5");
    assertThat(choice.reason()).contains("site-local", "eth2");
  }

  @Test
  void withoutASiteLocalAddressAnyNonLoopbackOneThenIpv6ThenLoopback() throws Exception {
    assertThat(HostAddress.choose("", List.of(nic("lo", 1, "127.0.0.1", true), nic("eth0", 2, "203.0.113.7", true))).host())
        .isEqualTo("203.0.113.7");
    assertThat(HostAddress.choose(null, List.of(nic("eth0", 2, "2001:db8::5", true))).host()).isEqualTo("[2001:db8:0:0:0:0:0:5]");
    HostAddress.Choice none = HostAddress.choose(null, List.of(nic("lo", 1, "127.0.0.1", true)));
    assertThat(none.host()).isEqualTo("127.0.0.1");
    assertThat(none.reason()).contains("only this machine", "DISCOVERY_HOST");
  }

  @Test
  void registeringByPortUsesTheDetectedAddress() {
    try (DiscoveryClient client = DiscoveryClient.builder().registry("memory://host-address").withoutShutdownHook().build()) {
      Registration registration = client.register("payments", 8080);
      assertThat(registration.instance().port()).isEqualTo(8080);
      assertThat(registration.instance().host()).isEqualTo(HostAddress.detect().host().replace("[", "").replace("]", ""));
    }
  }
}
