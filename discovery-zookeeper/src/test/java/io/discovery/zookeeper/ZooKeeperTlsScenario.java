package io.discovery.zookeeper;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import io.discovery.client.ServiceView;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import okhttp3.tls.HeldCertificate;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * For {@link ZooKeeperTlsIT}, in a JVM of its own (the ZooKeeper client reads TLS from system
 * properties): a ZooKeeper server on a TLS-only port with certificates made here, and a client
 * that registers and watches through it, configured only as the README says.
 */
public final class ZooKeeperTlsScenario {
  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("zk-tls");
    HeldCertificate ca = new HeldCertificate.Builder().certificateAuthority(0).commonName("test CA").build();
    HeldCertificate server = new HeldCertificate.Builder().signedBy(ca).commonName("zookeeper")
        .addSubjectAlternativeName("localhost").addSubjectAlternativeName("127.0.0.1").build();
    Path caPem = Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
    Path serverPem = Files.writeString(dir.resolve("server.pem"), server.privateKeyPkcs8Pem() + server.certificatePem());
    int securePort;
    try (ServerSocket socket = new ServerSocket(0)) {
      securePort = socket.getLocalPort();
    }
    Properties config = new Properties();
    config.setProperty("secureClientPort", Integer.toString(securePort));
    config.setProperty("secureClientPortAddress", "127.0.0.1");
    config.setProperty("serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory");
    config.setProperty("ssl.keyStore.location", serverPem.toString());
    config.setProperty("ssl.keyStore.type", "PEM");
    config.setProperty("ssl.trustStore.location", caPem.toString());
    config.setProperty("ssl.trustStore.type", "PEM");
    config.setProperty("ssl.clientAuth", "none");
    config.setProperty("admin.enableServer", "false");
    config.setProperty("tickTime", "500");
    try (ZooKeeperServerEmbedded zk = ZooKeeperServerEmbedded.builder().baseDir(Files.createDirectories(dir.resolve("data")))
        .configuration(config).exitHandler(ExitHandler.LOG_ONLY).build()) {
      zk.start(30_000);
      // The client side, as the README documents it.
      System.setProperty("zookeeper.client.secure", "true");
      System.setProperty("zookeeper.clientCnxnSocket", "org.apache.zookeeper.ClientCnxnSocketNetty");
      System.setProperty("zookeeper.ssl.trustStore.location", caPem.toString());
      System.setProperty("zookeeper.ssl.trustStore.type", "PEM");
      try (DiscoveryClient client = DiscoveryClient.builder().registry("zookeeper://localhost:" + securePort + "/services")
          .withoutShutdownHook().build()) {
        Registration registration = client.register("payments", "10.0.0.1:80");
        if (!registration.awaitRegistered(Duration.ofSeconds(20))) {
          throw new IllegalStateException("not registered over TLS: " + registration);
        }
        ServiceView view = client.service("payments");
        System.out.println("TLS VIEW " + view.instances() + " stale=" + view.snapshot().stale());
      }
    }
    System.exit(0);
  }
}
