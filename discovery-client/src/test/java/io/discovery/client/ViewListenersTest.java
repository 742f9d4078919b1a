package io.discovery.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.discovery.client.memory.MemoryRegistry;
import io.discovery.testing.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link DiscoveryClient#subscribeViews} and {@link DiscoveryClient#services}: what tools that follow the whole client see. */
class ViewListenersTest {
  private final ManualScheduler time = new ManualScheduler();
  private final MemoryRegistry registry = new MemoryRegistry("view-listeners-test");
  private final DiscoveryClient client = DiscoveryClient.builder().backend(registry.backend(time)).scheduler(time)
      .initialLoadTimeout(Duration.ZERO).withoutShutdownHook().build();
  private final List<Set<String>> seen = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    client.close();
  }

  private void record(Map<String, ServiceView> views) {
    seen.add(Set.copyOf(views.keySet()));
  }

  @Test
  void aListenerHearsTheViewsAtOnceThenEachViewStartedOrDropped() {
    client.service("payments");

    Subscription subscription = client.subscribeViews(this::record);
    assertThat(seen).as("the views of the moment, at once").containsExactly(Set.of("payments"));

    client.lookup("orders", Duration.ZERO);
    client.service("payments");
    assertThat(seen).as("a new view is told; asking for one already watched is not")
        .containsExactly(Set.of("payments"), Set.of("payments", "orders"));

    assertThat(client.forgetIfUnused("orders")).isTrue();
    assertThat(seen).last().isEqualTo(Set.of("payments"));

    subscription.close();
    client.lookup("inventory", Duration.ZERO);
    assertThat(seen).as("nothing after close").hasSize(3);
  }

  @Test
  void aListenerThatThrowsIsLoggedAndTheOthersAreStillTold() {
    String log = Stderr.capture(() -> {
      client.subscribeViews(views -> {
        throw new IllegalStateException("listener bug");
      });
      client.subscribeViews(this::record);
      client.service("payments");
    });

    assertThat(seen).containsExactly(Set.of(), Set.of("payments"));
    assertThat(log).contains("a view listener failed").contains("listener bug");
  }

  @Test
  void servicesAreTheRegistrysNamesSortedAndTheyAndViewsAreRefusedOnceClosed() {
    client.register("payments", "10.0.0.1:80");
    client.register("orders", "10.0.0.2:80");
    time.runDue();

    assertThat(client.services()).containsExactly("orders", "payments");

    client.close();
    assertThatThrownBy(client::services).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> client.service("payments")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }
}
