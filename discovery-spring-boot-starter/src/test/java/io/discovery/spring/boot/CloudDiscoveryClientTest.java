package io.discovery.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import io.discovery.client.ServiceInstance;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CloudDiscoveryClientTest {
  private final DiscoveryClient client = DiscoveryClient.builder().registry("memory://cloud-client").withoutShutdownHook().build();
  private final CloudDiscoveryClient cloud = new CloudDiscoveryClient(client);

  @AfterEach
  void close() {
    client.close();
  }

  @Test
  void instancesCarryAddressSchemeMetadataZoneAndWeight() throws InterruptedException {
    register(ServiceInstance.builder("payments", "10.0.0.1:8443").id("p-1").secure().zone("eu-1a").weight(3)
        .metadata("version", "2").build());
    register(ServiceInstance.of("payments", "[::1]:8080"));

    List<org.springframework.cloud.client.ServiceInstance> instances = cloud.getInstances("Payments");

    assertThat(instances).hasSize(2);
    org.springframework.cloud.client.ServiceInstance secure = instances.stream()
        .filter(i -> i.getInstanceId().equals("p-1")).findFirst().orElseThrow();
    assertThat(secure.getServiceId()).isEqualTo("payments");
    assertThat(secure.getHost()).isEqualTo("10.0.0.1");
    assertThat(secure.getPort()).isEqualTo(8443);
    assertThat(secure.isSecure()).isTrue();
    assertThat(secure.getScheme()).isEqualTo("https");
    assertThat(secure.getUri()).isEqualTo(URI.create("https://10.0.0.1:8443"));
    assertThat(secure.getMetadata()).isEqualTo(Map.of("version", "2", "zone", "eu-1a", "weight", "3"));
    org.springframework.cloud.client.ServiceInstance ipv6 = instances.stream()
        .filter(i -> !i.getInstanceId().equals("p-1")).findFirst().orElseThrow();
    assertThat(ipv6.getUri()).isEqualTo(URI.create("http://[::1]:8080"));
    assertThat(ipv6.getMetadata()).isEqualTo(Map.of("weight", "1"));
  }

  @Test
  void servicesComeFromTheRegistry() throws InterruptedException {
    register(ServiceInstance.of("payments", "10.0.0.1:8080"));
    register(ServiceInstance.of("orders", "10.0.0.2:8080"));

    assertThat(cloud.getServices()).containsExactly("orders", "payments");
  }

  @Test
  void namesThatCannotBeServicesResolveToNothing() {
    assertThat(cloud.getInstances("not a service")).isEmpty();
    assertThat(cloud.getInstances("")).isEmpty();
    assertThat(cloud.getInstances(null)).isEmpty();
    assertThat(client.watchedServices()).isEmpty();
  }

  @Test
  void aNameWithNoInstancesKeepsNoWatchAndAServiceKeepsItsView() throws InterruptedException {
    register(ServiceInstance.of("payments", "10.0.0.1:8080"));

    assertThat(cloud.getInstances("localhost")).as("a host name a @LoadBalanced client was given").isEmpty();
    assertThat(cloud.getInstances("payments")).hasSize(1);

    assertThat(client.watchedServices()).containsExactly("payments");
  }

  @Test
  void aServiceOnceSeenWithInstancesKeepsItsViewWhenTheyAllLeave() throws InterruptedException {
    Registration orders = client.register(ServiceInstance.of("orders", "10.0.0.3:8080"));
    assertThat(orders.awaitRegistered(Duration.ofSeconds(10))).isTrue();
    assertThat(cloud.getInstances("orders")).hasSize(1);

    orders.close();

    await().atMost(Duration.ofSeconds(10)).until(() -> cloud.getInstances("orders").isEmpty());
    assertThat(client.watchedServices()).as("still watched: its instances may come back").contains("orders");
  }

  @Test
  void reactiveClientGivesTheSameAnswers() throws InterruptedException {
    register(ServiceInstance.builder("payments", "10.0.0.1:8080").id("p-1").build());
    ReactiveCloudDiscoveryClient reactive = new ReactiveCloudDiscoveryClient(cloud);

    assertThat(reactive.getInstances("payments").collectList().block(Duration.ofSeconds(10)))
        .extracting(org.springframework.cloud.client.ServiceInstance::getInstanceId).containsExactly("p-1");
    assertThat(reactive.getServices().collectList().block(Duration.ofSeconds(10))).containsExactly("payments");
  }

  private void register(ServiceInstance instance) throws InterruptedException {
    Registration registration = client.register(instance);
    assertThat(registration.awaitRegistered(Duration.ofSeconds(10))).isTrue();
  }
}
