package io.discovery.client.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.discovery.client.Registration;
import io.discovery.client.RegistrationState;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Out of service on the fake Consul agent: the service re-registered with its Meta mark, its check kept passing. */
class ConsulOutOfServiceTest extends ConsulFixture {

  @Test
  void theServiceKeepsItsCheckPassingAndLeavesTheView() {
    Registration draining = manualClient(backend().build()).register(ServiceInstance.of("payments", "10.0.0.1:80"));
    Registration other = manualClient(backend().build()).register(ServiceInstance.of("payments", "10.0.0.2:80"));
    time.runDue();
    ServiceView view = threadedClient(backend().build()).service("payments");
    await().atMost(Duration.ofSeconds(5)).until(() -> view.instances().size() == 2);

    assertThat(draining.setOutOfService(true)).isTrue();

    assertThat(consul.service(draining.instance().id()).path("Meta").path("instance_status").asText()).isEqualTo("OUT_OF_SERVICE");
    assertThat(consul.checkStatuses()).containsEntry("service:" + draining.instance().id(), "passing");
    await().atMost(Duration.ofSeconds(5)).until(() -> view.instances().equals(List.of(other.instance())));

    time.advance(time.nextDelay());
    assertThat(consul.paths("/v1/agent/service/register")).as("two registrations and one update, not one per heartbeat").hasSize(3);

    assertThat(draining.setOutOfService(false)).isTrue();
    assertThat(consul.service(draining.instance().id()).path("Meta").has("instance_status")).isFalse();
    await().atMost(Duration.ofSeconds(5)).until(() -> view.instances().size() == 2);
  }

  @Test
  void aMarkConsulCannotHoldIsRefusedAtOnceNamingTheLimitAndChangesNothing() {
    ServiceInstance.Builder full = ServiceInstance.builder("payments", "10.0.0.1:80");
    for (int i = 0; i < ConsulJson.MAX_META_PAIRS; i++) {
      full.metadata("k" + i, "v");
    }
    Registration registration = manualClient(backend().build()).register(full.build());
    time.runDue();
    assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERED);

    assertThatThrownBy(() -> registration.setOutOfService(true)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("65 Meta pairs").hasMessageContaining("Consul allows 64");

    assertThat(registration.outOfService()).isFalse();
    assertThat(consul.service(registration.instance().id()).path("Meta").has("instance_status")).isFalse();
    assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERED);
  }
}
