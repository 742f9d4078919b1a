package io.discovery.client.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EtcdBackendFactoryTest {

  @Test
  void schemesAndThePrefix() {
    assertThat(new EtcdBackendFactory().scheme()).isEqualTo("etcd");
    assertThat(new EtcdHttpsBackendFactory().scheme()).isEqualTo("etcd+https");
  }

  @Test
  void tlsFilesNeedHttps() {
    assertThatThrownBy(() -> EtcdBackendFactory.parse(URI.create("etcd://h:2379?ca=/tmp/ca.pem")))
        .hasMessage("invalid etcd URI 'etcd://h:2379?ca=/tmp/ca.pem': ca=, cert= and key= are for TLS; use etcd+https://");
  }

  @Test
  void unknownParametersAreRefusedNamingThem() {
    assertThatThrownBy(() -> EtcdBackendFactory.parse(URI.create("etcd+https://h:2379?cafile=/x")))
        .hasMessage("unknown etcd URI parameter 'cafile': expected ca, cert or key");
  }

  @Test
  void missingTlsFilesAreNamed() {
    assertThatThrownBy(() -> EtcdBackendFactory.parse(URI.create("etcd+https://h:2379?ca=/nonexistent/ca.pem")))
        .hasMessageContaining("/nonexistent/ca.pem");
  }

  @Test
  void otherSchemesAreRefused() {
    assertThatThrownBy(() -> EtcdBackendFactory.parse(URI.create("zookeeper://h:2379")))
        .hasMessage("invalid etcd URI 'zookeeper://h:2379': expected etcd://host:port or etcd+https://host:port");
  }

  @Test
  void builderLimitsAreChecked() {
    EtcdBackend.Builder builder = EtcdBackendFactory.parse(URI.create("etcd://h:2379"));
    assertThatThrownBy(() -> builder.timeouts(Duration.ZERO, Duration.ofSeconds(1))).hasMessageContaining("invalid etcd timeouts PT0S / PT1S");
    assertThatThrownBy(() -> builder.timeouts(Duration.ofSeconds(1), Duration.ofSeconds(-1))).hasMessageContaining("invalid etcd timeouts");
    assertThatThrownBy(() -> builder.watchSilence(Duration.ZERO)).hasMessageContaining("invalid watch silence PT0S");
    assertThatThrownBy(() -> builder.maxInstanceBytes(0)).hasMessageContaining("invalid maximum instance size 0");
    builder.timeouts(Duration.ofMillis(1), Duration.ofMillis(1)).watchSilence(Duration.ofMillis(1)).maxInstanceBytes(1);
  }
}
