package io.discovery.client.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class CredentialsTest {

  @Test
  void userAndPasswordComePercentDecodedFromTheUserInfo() {
    assertThat(Credentials.fromUri(URI.create("etcd://alice:s%3Acr%40t+1@h1:2379,h2:2379")))
        .isEqualTo(new Credentials("alice", "s:cr@t+1"));
    assertThat(Credentials.fromUri(URI.create("etcd://a%20b:p@h1:2379"))).isEqualTo(new Credentials("a b", "p"));
  }

  @Test
  void theLastAtSignEndsTheUserInfo() {
    assertThat(Credentials.fromUri(URI.create("zookeeper://u:p@ss@h:2181"))).isEqualTo(new Credentials("u", "p@ss"));
  }

  @Test
  void aPasswordMayBeEmptyButNotMissing() {
    assertThat(Credentials.fromUri(URI.create("etcd://u:@h:2379"))).isEqualTo(new Credentials("u", ""));
    assertThatThrownBy(() -> Credentials.fromUri(URI.create("etcd://u@h:2379")))
        .hasMessage("no password for user 'u': expected user:password@ in the URI");
  }

  @Test
  void withoutUserInfoThereAreNoCredentials() {
    assertThat(Credentials.fromUri(URI.create("etcd://h:2379"))).isNull();
    assertThat(Credentials.fromUri(URI.create("memory:local"))).isNull();
  }

  @Test
  void aUserIsRequired() {
    assertThatThrownBy(() -> Credentials.fromUri(URI.create("etcd://:p@h:2379")))
        .hasMessage("invalid user '': expected a user name before ':' in the URI's user-info");
    assertThatThrownBy(() -> new Credentials(null, "p")).hasMessageContaining("invalid user 'null'");
  }

  @Test
  void thePasswordNeverShows() {
    Credentials c = new Credentials("alice", "hunter2");
    assertThat(c.toString()).isEqualTo("Credentials{user=alice, password=(hidden)}");
  }
}
