package io.discovery.client.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.NoInstancesException;
import io.discovery.client.Registration;
import io.discovery.client.RegistrationState;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import io.discovery.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client against {@link FakeConsul} where Consul's source says more than its API docs. */
class ConsulAgentTest extends ConsulFixture {
  private static String web(String address) {
    return "{\"Name\":\"web\",\"Address\":\"" + address + "\",\"Port\":80,\"Check\":{\"TTL\":\"30s\",\"Status\":\"passing\"}}";
  }

  @Test
  void instancesThatShareTheDefaultIdOnDifferentNodesStayApartEvenAtOneAddress() {
    consul.addNode("node-a", "10.0.0.1");
    consul.addNode("node-b", "10.0.0.2");
    consul.addNode("node-c", "10.0.0.3");
    // No ID: each agent's ID is the name. Two containers report the same bridge address.
    consul.registerOn("node-a", web("172.17.0.2"));
    consul.registerOn("node-b", web("172.17.0.2"));
    consul.registerOn("node-c", web(""));

    List<ServiceInstance> web = threadedClient(backend().build()).service("web").instances();

    assertThat(web).extracting(ServiceInstance::id).containsExactlyInAnyOrder("web@node-a", "web@node-b", "web@node-c");
    assertThat(web).extracting(ServiceInstance::hostPort).containsExactlyInAnyOrder("172.17.0.2:80", "172.17.0.2:80", "10.0.0.3:80");
  }

  @Test
  void aFailingNodeOrANodeInMaintenanceHidesItsInstances() {
    consul.addNode("node-a", "10.0.0.1");
    consul.addNode("node-b", "10.0.0.2");
    consul.registerOn("node-a", web(""));
    consul.registerOn("node-b", web(""));
    ServiceView view = threadedClient(backend().build()).service("web");
    assertThat(view.instances()).hasSize(2);

    consul.nodeHealth("node-a", "critical");
    await().atMost(Duration.ofSeconds(5)).until(() -> view.instances().size() == 1);
    consul.nodeMaintenance("node-b", true);
    await().atMost(Duration.ofSeconds(5)).until(() -> view.instances().isEmpty());
    consul.nodeHealth("node-a", "passing");
    await().atMost(Duration.ofSeconds(5)).until(() -> view.instances().size() == 1);
    assertThat(view.instances().get(0).host()).isEqualTo("10.0.0.1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"weight", "meta bytes", "meta pairs", "any IPv4", "any IPv6"})
  void whatTheAgentWouldRefuseIsRefusedAtRegisterNamingTheValue(String what) {
    ServiceInstance.Builder b = ServiceInstance.builder("payments", what.startsWith("any IPv6") ? "[::]:80" : what.startsWith("any")
        ? "0.0.0.0:80" : "10.0.0.1:80");
    String expected;
    switch (what) {
      case "weight" -> {
        b.weight(70_000);
        expected = "Weights.Passing must be 1 to 65535";
      }
      case "meta bytes" -> {
        b.metadata("note", "é".repeat(300)); // 300 characters, 600 bytes
        expected = "600 bytes in UTF-8, at most 512";
      }
      case "meta pairs" -> {
        for (int i = 0; i < 63; i++) {
          b.metadata("k" + i, "v");
        }
        b.zone("eu-1a").secure(); // 63 + zone + secure = 65 Meta pairs; a 'tags' entry would not count
        b.metadata("tags", "a,b");
        expected = "would send 65 Meta pairs";
      }
      default -> expected = "means any interface";
    }
    ServiceInstance instance = b.build();
    DiscoveryClient client = manualClient(backend().build());

    assertThatThrownBy(() -> client.register(instance)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(expected);
    assertThat(consul.paths("/v1/agent/service/register")).isEmpty();
    assertThat(client.registrations()).isEmpty();
  }

  @Test
  void sixtyFourMetaPairsCountedAsConsulCountsThemAreAccepted() {
    ServiceInstance.Builder b = ServiceInstance.builder("payments", "10.0.0.1:80").zone("eu-1a").secure().metadata("tags", "a");
    for (int i = 0; i < 62; i++) {
      b.metadata("k" + i, "é".repeat(256)); // 512 bytes each: the limit
    }
    Registration registration = manualClient(backend().build()).register(b.build());
    time.runDue();

    assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERED);
  }

  @Test
  void scriptChecksOnADefaultAgentFailTheRegistrationNamingTheAgentSetting() {
    ConsulBackend withScript = backend().check(ConsulCheck.script(List.of("/bin/true"), Duration.ofSeconds(10))).build();
    Registration refused = manualClient(withScript).register("payments", "10.0.0.1:80");
    time.runDue();

    assertThat(refused.state()).isEqualTo(RegistrationState.FAILED);
    assertThat(refused.failure()).get().extracting(Throwable::getMessage).asString()
        .contains("HTTP 500", "Scripts are disabled", "enable_script_checks");
    time.advance(Duration.ofMinutes(5));
    assertThat(consul.paths("/v1/agent/service/register")).as("not retried").hasSize(1);

    consul.enableScriptChecks();
    Registration allowed = manualClient(backend().check(ConsulCheck.script(List.of("/bin/true"), Duration.ofSeconds(10))).build())
        .register("payments", "10.0.0.2:80");
    time.runDue();
    assertThat(allowed.state()).isEqualTo(RegistrationState.REGISTERED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.21.0", "1.11.0", "1.10.0"})
  void everyAgentVersionsWayOfSayingTheCheckIsGoneMeansRegisteringAgain(String version) {
    consul.agentVersion(version);
    Registration registration = manualClient(backend().build()).register("payments", "10.1.2.3:8888");
    time.runDue();
    consul.wipeDataDir();

    time.advance(time.nextDelay());

    assertThat(consul.paths("/v1/agent/service/register")).hasSize(2);
    assertThat(consul.service(registration.instance().id())).isNotNull();
    assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERED);
  }

  @Test
  void aFailingHealthCheckLeavesTheInstanceRegisteredAndOutOfTheView() {
    ConsulBackend backend = backend().check(ConsulCheck.http("/health", Duration.ofSeconds(10))).build();
    Registration registration = manualClient(backend).register("payments", "10.1.2.3:8888");
    time.runDue();
    String id = registration.instance().id();
    assertThat(consul.service(id).path("CheckDefinitions").get(1).has("DeregisterCriticalServiceAfter"))
        .as("only the heartbeat's TTL check is reaped on").isFalse();
    consul.setCheck("service:" + id + ":2", "critical", "HTTP GET https://10.1.2.3:8888/health: 500");

    for (int i = 0; i < 60; i++) { // two minutes, the heartbeat passing all along
      time.advance(Duration.ofSeconds(2));
      consul.advance(Duration.ofSeconds(2));
    }

    assertThat(consul.service(id)).as("still registered").isNotNull();
    assertThat(consul.paths("/v1/agent/service/register")).as("never reaped, so never registered again").hasSize(1);
    assertThat(threadedClient(backend().build()).service("payments").instances()).as("hidden by ?passing").isEmpty();
  }

  @Test
  void answersFilteredByAclAreFlaggedOnTheSnapshotAndInNoInstances() {
    consul.requireToken("writer");
    consul.addToken("reader", "aaaaaaaa-0000-0000-0000-000000000001", "service:read"); // lacks node:read
    manualClient(ConsulBackend.builder(consul.uri() + "?token=writer").build()).register("payments", "10.0.0.1:80");
    time.runDue();

    ServiceView view = threadedClient(backend().token("reader").build()).service("payments");

    assertThat(view.instances()).isEmpty();
    assertThat(view.snapshot().partial()).isTrue();
    assertThat(NoInstancesException.of(view.snapshot())).hasMessageContaining("left out instances this client may not read")
        .hasMessageContaining("node:read");
    ServiceView full = threadedClient(ConsulBackend.builder(consul.uri() + "?token=writer").blockingWait(Duration.ofSeconds(2)).build())
        .service("payments");
    assertThat(full.instances()).hasSize(1);
    assertThat(full.snapshot().partial()).isFalse();
  }

  @Test
  void anUnknownTokenAndAMissingPermissionAreToldApart() {
    consul.requireToken("writer");
    consul.addToken("reader", "aaaaaaaa-0000-0000-0000-000000000001", "service:read", "node:read");

    Registration unknown = manualClient(backend().token("typo").build()).register("payments", "10.0.0.1:80");
    Registration weak = manualClient(backend().token("reader").build()).register("payments", "10.0.0.2:80");
    time.runDue();

    assertThat(unknown.failure()).get().extracting(Throwable::getMessage).asString()
        .contains("ACL not found", "mistyped, deleted or expired").doesNotContain("typo");
    assertThat(weak.failure()).get().extracting(Throwable::getMessage).asString()
        .contains("lacks permission 'service:write' on \"payments\"", "aaaaaaaa-0000-0000-0000-000000000001");
  }

  @Test
  void serviceNamesMatchIgnoringCaseAsTheCatalogDoes() {
    consul.registerDirectly("{\"ID\":\"p-1\",\"Name\":\"Payments\",\"Address\":\"10.0.0.1\",\"Port\":80,"
        + "\"Check\":{\"TTL\":\"30s\",\"Status\":\"passing\"}}");

    List<ServiceInstance> instances = threadedClient(backend().build()).service("payments").instances();

    assertThat(instances).singleElement().satisfies(i -> {
      assertThat(i.service()).isEqualTo("payments");
      assertThat(i.id()).isEqualTo("p-1");
    });
  }

  @Test
  void timeoutsCoverTheAgentsOwnHoldAndAreDerivedFromSettableValues() {
    ConsulBackend defaults = backend().blockingWait(Duration.ofMinutes(5)).build();
    ConsulBackend longHold = backend().blockingWait(Duration.ofSeconds(16)).rpcHoldTimeout(Duration.ofSeconds(15)).build();
    toClose.add(defaults);
    toClose.add(longHold);

    assertThat(defaults.timeouts()).containsExactly(Duration.ofSeconds(10), // rpc_hold_timeout 7 s + 3 s
        Duration.ofMinutes(5).plus(Duration.ofMinutes(5).dividedBy(16)).plusSeconds(10));
    assertThat(longHold.timeouts()).containsExactly(Duration.ofSeconds(18), Duration.ofSeconds(16 + 1 + 18));
  }

  @Test
  void theIndexIsThisServicesOwnSoOtherServicesDoNotWakeItsQuery() {
    consul.registerDirectly("{\"ID\":\"p-1\",\"Name\":\"payments\",\"Address\":\"10.0.0.1\",\"Port\":80,"
        + "\"Check\":{\"TTL\":\"30s\",\"Status\":\"passing\"}}");
    ServiceView view = threadedClient(backend().blockingWait(Duration.ofSeconds(60)).build()).service("payments");
    await().atMost(Duration.ofSeconds(5)).until(() -> consul.paths("/v1/health/service/").size() == 2);

    for (int i = 0; i < 5; i++) {
      consul.registerDirectly("{\"ID\":\"o-" + i + "\",\"Name\":\"orders\",\"Address\":\"10.0.1." + (i + 1) + "\",\"Port\":80}");
    }
    consul.registerDirectly("{\"ID\":\"p-2\",\"Name\":\"payments\",\"Address\":\"10.0.0.2\",\"Port\":80,"
        + "\"Check\":{\"TTL\":\"30s\",\"Status\":\"passing\"}}");

    await().atMost(Duration.ofSeconds(5)).until(() -> view.instances().size() == 2);
    assertThat(consul.paths("/v1/health/service/")).as("orders' changes did not answer payments' held query").hasSize(3);
  }

  @Test
  void registeringAgainReplacesTheCheckListButAKeptCheckKeepsItsStatus() {
    consul.registerDirectly("{\"ID\":\"p-1\",\"Name\":\"payments\",\"Address\":\"10.0.0.1\",\"Port\":80,\"Checks\":["
        + "{\"CheckID\":\"a\",\"TTL\":\"30s\",\"Status\":\"passing\"},{\"CheckID\":\"b\",\"TTL\":\"30s\",\"Status\":\"passing\"}]}");
    consul.setCheck("b", "critical", "failing");

    consul.registerDirectly("{\"ID\":\"p-1\",\"Name\":\"payments\",\"Address\":\"10.0.0.1\",\"Port\":80,\"Checks\":["
        + "{\"CheckID\":\"b\",\"TTL\":\"30s\",\"Status\":\"passing\"}]}");

    assertThat(consul.checkStatuses()).as("a is gone; b kept its status over the request's").containsExactly(java.util.Map.entry("b", "critical"));
  }

  @Test
  void removingOneOfSeveralInstancesAnswersTheHeldQueryAtOnce() {
    Registration first = manualClient(backend().build()).register("payments", "10.0.0.1:80");
    manualClient(backend().build()).register("payments", "10.0.0.2:80");
    time.runDue();
    ServiceView view = threadedClient(backend().blockingWait(Duration.ofSeconds(60)).build()).service("payments");
    assertThat(view.instances()).hasSize(2);
    await().atMost(Duration.ofSeconds(5)).until(() -> consul.paths("/v1/health/service/").size() == 2);

    first.close();

    await().atMost(Duration.ofSeconds(5)).until(() -> view.instances().size() == 1);
    assertThat(consul.paths("/v1/health/service/")).as("the held query answered, not a 60 s timeout").hasSizeLessThanOrEqualTo(3);
  }
}
