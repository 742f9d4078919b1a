package io.discovery.examples.springboot;

import io.discovery.testing.zookeeper.EmbeddedZooKeeper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;

/**
 * The Spring Boot demo: {@code service} runs a web service that registers itself through the starter,
 * {@code caller} calls it by name through a {@code @LoadBalanced RestClient}. Both use
 * {@value #DEFAULT_REGISTRY} unless {@code --discovery.registry} or {@code DISCOVERY_REGISTRY} names
 * another registry; the first {@code service} starts an embedded ZooKeeper there when nothing listens on
 * its port, so the demo needs no install.
 */
@SpringBootApplication
public class SpringBootDemo {
  static final int ZOOKEEPER_PORT = 2181;
  static final String DEFAULT_REGISTRY = "zookeeper://127.0.0.1:2181/services";

  /**
   * Runs one role.
   *
   * @param args {@code service} or {@code caller}, then Spring Boot arguments such as {@code --server.port=8081}
   */
  public static void main(String[] args) {
    if (args.length == 0 || !(args[0].equals("service") || args[0].equals("caller"))) {
      System.err.println("usage: java -jar spring-boot-demo.jar service|caller [--discovery.registry=URI] [--server.port=N]");
      System.exit(2);
    }
    String role = args[0];
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    SpringApplication application = new SpringApplication(SpringBootDemo.class);
    application.setAdditionalProfiles(role);
    if (role.equals("service") && usesDefaultRegistry(rest) && portFree(ZOOKEEPER_PORT)) {
      // once logging is set up (so the server's INFO lines obey logging.level) and before the DiscoveryClient bean exists
      application.addListeners((ApplicationListener<ApplicationPreparedEvent>) prepared -> {
        EmbeddedZooKeeper zooKeeper = EmbeddedZooKeeper.start(ZOOKEEPER_PORT, Duration.ofMillis(500));
        LoggerFactory.getLogger(SpringBootDemo.class).info("started an embedded ZooKeeper for the demo at {}/services; it stops "
            + "with this process", zooKeeper.uri());
      });
    }
    application.run(rest);
  }

  private static boolean usesDefaultRegistry(String[] args) {
    String env = System.getenv("DISCOVERY_REGISTRY");
    return (env == null || env.isBlank()) && Arrays.stream(args).noneMatch(a -> a.startsWith("--discovery.registry="));
  }

  private static boolean portFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException taken) {
      return false;
    }
  }
}
