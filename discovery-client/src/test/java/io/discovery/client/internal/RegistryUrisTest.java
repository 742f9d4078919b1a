package io.discovery.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegistryUrisTest {

  @Test
  void hostPortsAreSplitTrimmedAndStrippedOfUserInfo() {
    assertThat(RegistryUris.hostPorts(URI.create("etcd://u:p@h1:2379,h2:1,h3:65535/x"), "etcd", "127.0.0.1:2379"))
        .containsExactly("h1:2379", "h2:1", "h3:65535");
    assertThat(RegistryUris.hostPorts(URI.create("etcd://[::1]:2379"), "etcd", "127.0.0.1:2379")).containsExactly("[::1]:2379");
  }

  @ParameterizedTest
  @ValueSource(strings = {"h1", "h1:", ":2379", "h1:0", "h1:65536", "h1:port", "h1:-1"})
  void aBadServerIsNamedWithTheExample(String server) {
    URI uri = URI.create("etcd://u:secret@ok:2379," + server);
    assertThatThrownBy(() -> RegistryUris.hostPorts(uri, "etcd", "127.0.0.1:2379")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid etcd server '" + server + "' in 'etcd://u:(hidden)@ok:2379," + server + "': expected host:port, e.g. 127.0.0.1:2379");
  }

  @Test
  void aUriWithoutHostsGivesTheExpectedForm() {
    assertThatThrownBy(() -> RegistryUris.hostPorts(URI.create("etcd:///x"), "etcd", "127.0.0.1:2379"))
        .hasMessage("invalid etcd URI 'etcd:///x': expected etcd://host:port[,host:port][/path], e.g. etcd://127.0.0.1:2379");
    assertThatThrownBy(() -> RegistryUris.hostPorts(URI.create("etcd://u:p@/x"), "etcd", "127.0.0.1:2379"))
        .hasMessageContaining("expected etcd://host:port");
  }

  @Test
  void passwordsAndTokensAreRedacted() {
    assertThat(RegistryUris.redacted("etcd://alice:hunter2@h:2379/x")).isEqualTo("etcd://alice:(hidden)@h:2379/x");
    assertThat(RegistryUris.redacted("consul://h:8500?Token=abc&dc=x")).isEqualTo("consul://h:8500?Token=(hidden)&dc=x");
    assertThat(RegistryUris.redacted(URI.create("etcd://h:2379"))).isEqualTo("etcd://h:2379");
  }

  @Test
  void parseNamesTheRegistryAndHidesThePassword() {
    assertThat(RegistryUris.parse("  etcd://h:2379 ", "etcd")).isEqualTo(URI.create("etcd://h:2379"));
    assertThatThrownBy(() -> RegistryUris.parse("etcd://u:pw@h:2379/a b", "etcd"))
        .hasMessageStartingWith("invalid etcd URI 'etcd://u:(hidden)@h:2379/a b': ").hasMessageContaining(" at index ")
        .hasMessageNotContaining("pw");
  }

  @Test
  void thePathLosesTrailingSlashesAndFallsBack() {
    assertThat(RegistryUris.path(URI.create("etcd://h:1/services//"), "/d")).isEqualTo("/services");
    assertThat(RegistryUris.path(URI.create("etcd://h:1/"), "/d")).isEqualTo("/d");
    assertThat(RegistryUris.path(URI.create("etcd://h:1"), "/d")).isEqualTo("/d");
    assertThat(RegistryUris.path(URI.create("memory:x"), "/d")).isEqualTo("/d");
  }
}
