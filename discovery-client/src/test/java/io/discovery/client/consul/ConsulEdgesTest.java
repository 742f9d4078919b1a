package io.discovery.client.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.discovery.client.RegistryUnavailableException;
import io.discovery.client.ServiceInstance;
import io.discovery.client.Stderr;
import io.discovery.client.spi.Lease;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Limits and small rules of the Consul backend, each at its edge. */
class ConsulEdgesTest extends ConsulFixture {

  private ConsulBackend backend(String query) {
    ConsulBackend backend = ConsulBackend.builder(consul.uri() + query).build();
    toClose.add(backend);
    return backend;
  }

  @Test
  void theBackendDescribesItselfWithoutItsToken() {
    assertThat(backend("?token=s3cret&dc=eu-1").toString()).isEqualTo("ConsulBackend{" + consul.uri().replace("consul://", "http://")
        + "/, token=(hidden), dc=eu-1}");
    assertThat(backend("").toString()).isEqualTo("ConsulBackend{" + consul.uri().replace("consul://", "http://") + "/}");
  }

  @Test
  void addressesThatMeanAnyInterfaceAreRefusedAndOthersAreNot() {
    ConsulBackend backend = backend("");
    for (String any : new String[] {"0.0.0.0:80", "[::]:80", "[0:0:0:0:0:0:0:0]:80"}) {
      assertThatThrownBy(() -> backend.validate(ServiceInstance.of("payments", any))).as(any)
          .hasMessageContaining("it refuses an address that means any interface");
    }
    for (String fine : new String[] {"10.0.0.1:80", "[::1]:80", "[fe80::1%eth0]:80", "host.example:80"}) {
      backend.validate(ServiceInstance.of("payments", fine));
    }
  }

  @Test
  void metadataValuesUpTo512BytesInUtf8() {
    ConsulBackend backend = backend("");
    backend.validate(ServiceInstance.builder("payments", "10.0.0.1:80").metadata("k", "é".repeat(256)).build());
    assertThatThrownBy(() -> backend.validate(ServiceInstance.builder("payments", "10.0.0.1:80").metadata("k", "é".repeat(256) + "x").build()))
        .hasMessageContaining("513 bytes in UTF-8, at most 512 allowed");
    assertThatThrownBy(() -> backend.validate(ServiceInstance.builder("payments", "10.0.0.1:80").metadata("secure", "true").build()))
        .hasMessageContaining("invalid metadata key 'secure'").hasMessageContaining("use ServiceInstance.Builder.secure()");
  }

  @Test
  void aServiceAlreadyGoneIsDeregisteredAndAFailureIsNot() {
    ConsulBackend backend = backend("");
    backend.deregister(new Lease(ServiceInstance.of("payments", "10.0.0.1:80"), "service:x"));

    consul.failWith(500);
    assertThatThrownBy(() -> backend.deregister(new Lease(ServiceInstance.of("payments", "10.0.0.1:80"), "service:x")))
        .isInstanceOf(RegistryUnavailableException.class).hasMessageContaining("HTTP 500");
  }

  @Test
  void criticalChecksForOneServiceOrAll() {
    consul.registerDirectly("{\"ID\":\"p1\",\"Name\":\"payments\",\"Address\":\"10.0.0.1\",\"Port\":80,"
        + "\"Check\":{\"CheckID\":\"service:p1\",\"TTL\":\"10s\"}}");
    consul.registerDirectly("{\"ID\":\"o1\",\"Name\":\"orders\",\"Address\":\"10.0.0.2\",\"Port\":80,"
        + "\"Check\":{\"CheckID\":\"service:o1\",\"TTL\":\"10s\"}}");
    ConsulBackend backend = backend("?dc=dc1");

    assertThat(backend.critical("payments")).extracting(CriticalCheck::serviceId).containsExactly("p1");
    assertThat(backend.critical(null)).extracting(CriticalCheck::serviceId).containsExactlyInAnyOrder("p1", "o1");
    assertThat(consul.requests.get(consul.requests.size() - 1).getUrl().queryParameter("dc")).isEqualTo("dc1");
  }

  @Test
  void catalogNamesAreLowerCaseAndTheDatacenterIsAsked() {
    consul.registerDirectly("{\"ID\":\"b1\",\"Name\":\"Billing\",\"Address\":\"10.0.0.3\",\"Port\":80}");

    assertThat(backend("?dc=dc1").services()).containsExactly("billing", "consul");
    assertThat(consul.requests.get(consul.requests.size() - 1).getUrl().queryParameter("dc")).isEqualTo("dc1");
  }

  @Test
  void anAnswerFilteredByAclIsLoggedOncePerService() {
    ConsulBackend backend = backend("");
    String out = Stderr.capture(() -> {
      backend.filteredByAcl("payments");
      backend.filteredByAcl("payments");
      backend.filteredByAcl("orders");
    });

    assertThat(out.lines().filter(l -> l.contains("Consul filtered its answer about"))).hasSize(2);
    assertThat(out).contains("give the token service:read on 'payments' and node:read");
  }

  @Test
  void sharedIdsAreQualifiedOnlyWhenShared() {
    ServiceInstance a = ServiceInstance.of("web", "10.0.0.1:80").toBuilder().id("web").build();
    ServiceInstance b = ServiceInstance.of("web", "10.0.0.2:80").toBuilder().id("web").build();
    ServiceInstance c = ServiceInstance.of("web", "10.0.0.3:80").toBuilder().id("web-3").build();

    assertThat(ConsulJson.qualifySharedIds(List.of(a, c), List.of("n1", "n3"))).containsExactly(a, c);
    assertThat(ConsulJson.qualifySharedIds(List.of(a, b, c), List.of("n1", "n2", "n3"))).extracting(ServiceInstance::id)
        .containsExactly("web@n1", "web@n2", "web-3");
  }
}
