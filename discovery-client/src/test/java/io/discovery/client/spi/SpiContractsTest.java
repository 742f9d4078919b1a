package io.discovery.client.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.discovery.client.ServiceInstance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The small rules of the backend SPI's values and defaults. */
class SpiContractsTest {

  @Test
  void aBackendContextTakesAnySizeLimitFromOneByte() {
    assertThat(new BackendContext(null, Duration.ofSeconds(10), 1).maxInstanceBytes()).isEqualTo(1);
    assertThatThrownBy(() -> new BackendContext(null, Duration.ofSeconds(10), 0))
        .hasMessage("invalid maximum instance size 0: expected more than 0 bytes");
  }

  @Test
  void aListenerThatIgnoresPartialAnswersGetsThemAsWholeOnes() {
    List<String> told = new ArrayList<>();
    WatchListener listener = new WatchListener() {
      @Override
      public void onInstances(List<ServiceInstance> instances, long revision) {
        told.add(instances.size() + " at " + revision);
      }

      @Override
      public void onChanges(Collection<ServiceInstance> upserted, Collection<String> removedIds, long revision) {
      }

      @Override
      public void onFailure(Throwable error) {
      }
    };

    listener.onInstances(List.of(ServiceInstance.of("payments", "10.0.0.1:80")), 7, true);

    assertThat(told).containsExactly("1 at 7");
  }
}
