package io.discovery.client.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.discovery.client.RegistryUnavailableException;
import io.discovery.client.ServiceInstance;
import java.time.Duration;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** consul+https with a private CA and a client certificate, against an agent that requires one. */
class ConsulTlsTest {
  private final HeldCertificate ca = new HeldCertificate.Builder().certificateAuthority(0).commonName("test CA").build();
  private final HeldCertificate agentCert = new HeldCertificate.Builder().signedBy(ca).addSubjectAlternativeName("localhost").build();
  private final HeldCertificate clientCert = new HeldCertificate.Builder().signedBy(ca).commonName("payments").build();
  private final FakeConsul consul = new FakeConsul(new HandshakeCertificates.Builder()
      .heldCertificate(agentCert).addTrustedCertificate(ca.certificate()).build());

  @AfterEach
  void close() {
    consul.close();
  }

  @Test
  void registersOverMutualTlsWithACustomTrustAndAClientCertificate() {
    HandshakeCertificates client = new HandshakeCertificates.Builder()
        .addTrustedCertificate(ca.certificate()).heldCertificate(clientCert).build();
    ConsulBackend backend = ConsulBackend.builder(consul.httpsUri()).tls(client.sslContext(), client.trustManager()).build();
    try (backend) {
      ServiceInstance instance = ServiceInstance.of("payments", "10.1.2.3:8443");
      backend.register(instance, Duration.ofSeconds(10));
      assertThat(consul.service(instance.id())).isNotNull();
      assertThat(consul.requests.get(0).getHandshake().peerCertificates()).isNotEmpty();
    }
  }

  @Test
  void theSamePemFilesAsEtcdWorkInTheUri(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path caPem = java.nio.file.Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
    java.nio.file.Path certPem = java.nio.file.Files.writeString(dir.resolve("client.pem"), clientCert.certificatePem());
    java.nio.file.Path keyPem = java.nio.file.Files.writeString(dir.resolve("client-key.pem"), clientCert.privateKeyPkcs8Pem());
    try (ConsulBackend backend = ConsulBackend.builder(consul.httpsUri() + "?ca=" + caPem + "&cert=" + certPem + "&key=" + keyPem).build()) {
      ServiceInstance instance = ServiceInstance.of("payments", "10.1.2.4:8443");
      backend.register(instance, Duration.ofSeconds(10));
      assertThat(consul.service(instance.id())).isNotNull();
    }
    assertThatThrownBy(() -> ConsulBackend.builder(consul.uri() + "?ca=" + caPem))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use consul+https://");
  }

  @Test
  void withoutTheClientCertificateTheAgentIsUnreachable() {
    HandshakeCertificates trustOnly = new HandshakeCertificates.Builder().addTrustedCertificate(ca.certificate()).build();
    try (ConsulBackend backend = ConsulBackend.builder(consul.httpsUri()).tls(trustOnly.sslContext(), trustOnly.trustManager()).build()) {
      assertThatThrownBy(() -> backend.register(ServiceInstance.of("payments", "10.1.2.3:8443"), Duration.ofSeconds(10)))
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessageContaining("Consul agent unreachable at https://localhost:");
    }
  }

  @Test
  void theJvmsDefaultTrustRefusesAPrivateCa() {
    try (ConsulBackend backend = ConsulBackend.builder(consul.httpsUri()).build()) {
      assertThatThrownBy(() -> backend.critical(null)).isInstanceOf(RegistryUnavailableException.class);
    }
  }
}
