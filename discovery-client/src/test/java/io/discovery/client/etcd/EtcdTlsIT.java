package io.discovery.client.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import io.discovery.client.RegistrationState;
import io.discovery.client.ServiceView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** etcd+https against a real etcd serving TLS and requiring client certificates, on certificates made here. */
class EtcdTlsIT extends EtcdClients {
  @TempDir
  static Path dir;
  private static EtcdServer etcd;
  private static Path caPem;
  private static Path clientPem;
  private static Path clientKeyPem;

  @BeforeAll
  static void startEtcd() throws Exception {
    HeldCertificate ca = new HeldCertificate.Builder().certificateAuthority(0).commonName("test CA").build();
    HeldCertificate server = new HeldCertificate.Builder().signedBy(ca).commonName("etcd")
        .addSubjectAlternativeName("localhost").addSubjectAlternativeName("127.0.0.1").build();
    HeldCertificate client = new HeldCertificate.Builder().signedBy(ca).commonName("discovery-client").build();
    caPem = write("ca.pem", ca.certificatePem());
    Path serverPem = write("server.pem", server.certificatePem());
    Path serverKeyPem = write("server-key.pem", server.privateKeyPkcs8Pem());
    clientPem = write("client.pem", client.certificatePem());
    clientKeyPem = write("client-key.pem", client.privateKeyPkcs8Pem());
    HandshakeCertificates health = new HandshakeCertificates.Builder().addTrustedCertificate(ca.certificate())
        .heldCertificate(client).build();
    etcd = EtcdServer.startTls(serverPem, serverKeyPem, caPem,
        new OkHttpClient.Builder().sslSocketFactory(health.sslSocketFactory(), health.trustManager()).build());
  }

  private static Path write(String name, String pem) throws Exception {
    return Files.writeString(dir.resolve(name), pem);
  }

  @AfterAll
  static void stopEtcd() {
    etcd.close();
  }

  private DiscoveryClient client(String uri) {
    return client(uri, Duration.ofSeconds(3));
  }

  @Test
  void aClientWithThePrivateCaAndItsCertificateRegistersAndWatches() throws Exception {
    String uri = etcd.uri() + "?ca=" + caPem + "&cert=" + clientPem + "&key=" + clientKeyPem;
    Registration registration = client(uri).register("tls", "10.0.0.1:80");
    assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();

    ServiceView view = client(uri).service("tls");
    assertThat(view.instances()).containsExactly(registration.instance());
    client(uri).register("tls", "10.0.0.2:80");
    await().atMost(Duration.ofSeconds(10)).until(() -> view.instances().size() == 2);
  }

  @Test
  void withoutAClientCertificateTheHandshakeFailsAndTheClientKeepsTrying() {
    Registration registration = client(etcd.uri() + "?ca=" + caPem).register("tls", "10.0.0.3:80");

    await().atMost(Duration.ofSeconds(10)).until(() -> registration.state() == RegistrationState.RETRYING);
    assertThat(registration.failure()).isEmpty();
  }

  @Test
  void badTlsParametersAreRefusedNamingTheFile() {
    assertThatThrownBy(() -> DiscoveryClient.create(etcd.uri() + "?ca=" + dir.resolve("missing.pem")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.pem");
    assertThatThrownBy(() -> DiscoveryClient.create(etcd.uri() + "?cert=" + clientPem))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs both cert= and key=");
    assertThatThrownBy(() -> DiscoveryClient.create(etcd.uri().replace("etcd+https", "etcd") + "?ca=" + caPem))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("use etcd+https://");
  }
}
