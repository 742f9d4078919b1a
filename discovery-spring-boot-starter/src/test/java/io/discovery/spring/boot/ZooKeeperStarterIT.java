package io.discovery.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.discovery.testing.zookeeper.EmbeddedZooKeeper;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** The starter against a real ZooKeeper (embedded, in this JVM). */
class ZooKeeperStarterIT extends StarterContract {
  private static EmbeddedZooKeeper zooKeeper;

  @BeforeAll
  static void startZooKeeper() {
    zooKeeper = EmbeddedZooKeeper.start(Duration.ofMillis(200));
  }

  @AfterAll
  static void stopZooKeeper() {
    zooKeeper.close();
  }

  @Override
  String registry() {
    return zooKeeper.uri() + "/services";
  }

  @Test
  void actuatorShowsTheRegistrationInHealthAndMetrics() throws Exception {
    ConfigurableApplicationContext service = startService(uniqueName());
    int port = port(service);
    await().atMost(Duration.ofSeconds(20)).until(() -> get(port, "/actuator/health/discovery").body().contains("\"REGISTERED\""));

    HttpResponse<String> health = get(port, "/actuator/health/discovery");
    HttpResponse<String> registered = get(port, "/actuator/metrics/discovery.registrations?tag=state:registered");

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"");
    assertThat(registered.statusCode()).isEqualTo(200);
    assertThat(registered.body()).contains("\"value\":1.0");
  }
}
