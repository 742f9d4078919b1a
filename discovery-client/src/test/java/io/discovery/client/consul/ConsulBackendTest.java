package io.discovery.client.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import io.discovery.client.RegistrationState;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import io.discovery.testing.ManualScheduler;
import io.discovery.client.RegistryUnavailableException;
import io.discovery.client.spi.Lease;
import java.time.Duration;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Consul backend against {@link FakeConsul}, which follows the agent's documented API. */
class ConsulBackendTest extends ConsulFixture {
  @Test
  void registersWithATtlCheckHeartbeatsByPassingItAndDeregistersOnClose() {
    ServiceInstance instance = ServiceInstance.builder("payments", "10.1.2.3:8443").secure().weight(5).zone("eu-1a")
        .metadata("version", "2.1").metadata("tags", "blue,canary").build();
    Registration registration = manualClient(backend().build()).register(instance);
    time.runDue();

    assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERED);
    JsonNode service = consul.service(instance.id());
    assertThat(service.path("Name").asText()).isEqualTo("payments");
    assertThat(service.path("Tags").toString()).isEqualTo("[\"blue\",\"canary\"]");
    assertThat(service.path("Meta").toString()).isEqualTo("{\"version\":\"2.1\",\"zone\":\"eu-1a\",\"secure\":\"true\"}");
    assertThat(service.path("Weights").path("Passing").asInt()).isEqualTo(5);
    JsonNode check = service.path("CheckDefinitions").get(0);
    assertThat(check.path("CheckID").asText()).isEqualTo("service:" + instance.id());
    assertThat(check.path("TTL").asText()).isEqualTo("9000ms");
    assertThat(check.path("DeregisterCriticalServiceAfter").asText()).isEqualTo("60s");
    assertThat(consul.checkStatuses()).containsEntry("service:" + instance.id(), "passing");

    for (int i = 0; i < 5; i++) {
      time.advance(time.nextDelay());
      consul.advance(Duration.ofSeconds(3));
    }
    assertThat(consul.paths("/v1/agent/check/pass/")).hasSize(5);
    assertThat(consul.checkStatuses()).as("passed within every TTL").containsEntry("service:" + instance.id(), "passing");

    registration.close();
    assertThat(consul.service(instance.id())).isNull();
    assertThat(consul.paths("/v1/agent/service/deregister/")).containsExactly("/v1/agent/service/deregister/" + instance.id());
  }

  @Test
  void aServerErrorOnThePassKeepsTheAgentsOwnMessage() {
    ConsulBackend backend = backend().build();
    toClose.add(backend);
    Lease lease = backend.register(ServiceInstance.of("payments", "10.1.2.3:8888"), TTL);
    consul.failWith(500);

    assertThatThrownBy(() -> backend.renew(lease))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("HTTP 500").hasMessageContaining("injected failure");
  }

  @Test
  void aQueryCreatedWhileTheWatchClosesIsCancelledNotLeftRunning() throws Exception {
    java.util.concurrent.atomic.AtomicReference<io.discovery.client.spi.WatchHandle> handle = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicReference<okhttp3.Call> second = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicInteger queries = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.CountDownLatch closedDuringSend = new java.util.concurrent.CountDownLatch(1);
    ConsulBackend backend = backend().events(call -> {
      // Runs inside newCall(): the watch's send() checked 'closed' a moment ago and has not stored this call yet.
      if (call.request().url().encodedPath().startsWith("/v1/health/service/") && queries.incrementAndGet() == 2) {
        second.set(call);
        handle.get().close();
        closedDuringSend.countDown();
      }
      return okhttp3.EventListener.NONE;
    }).build();
    toClose.add(backend);
    handle.set(backend.watch("payments", new io.discovery.client.spi.WatchListener() {
      @Override
      public void onInstances(List<ServiceInstance> instances, long revision) {
      }

      @Override
      public void onChanges(java.util.Collection<ServiceInstance> upserted, java.util.Collection<String> removedIds, long revision) {
      }

      @Override
      public void onFailure(Throwable error) {
      }
    }));

    assertThat(closedDuringSend.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> second.get().isCanceled());
  }

  @Test
  void instancesThatShareAnIdOnDifferentNodesStayApart() throws Exception {
    // Three agents each registered "web" without an ID: the ID defaults to the name, unique per agent only.
    String entries = "[" + String.join(",",
        entry("node-a", "10.0.0.1"), entry("node-b", "10.0.0.2"), entry("node-c", "10.0.0.2")) + "]";
    try (MockWebServer agent = new MockWebServer()) {
      agent.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          return new MockResponse.Builder().code(200).addHeader("X-Consul-Index", "7").body(entries).build();
        }
      });
      agent.start();
      ConsulBackend backend = ConsulBackend.builder("consul://127.0.0.1:" + agent.getPort()).blockingWait(Duration.ofSeconds(1)).build();

      List<ServiceInstance> web = threadedClient(backend).service("web").instances();

      assertThat(web).extracting(ServiceInstance::id).containsExactlyInAnyOrder("web@node-a", "web@node-b", "web@node-c");
      assertThat(web).extracting(ServiceInstance::hostPort).containsExactlyInAnyOrder("10.0.0.1:80", "10.0.0.2:80", "10.0.0.2:80");
    }
  }

  /** One /v1/health/service entry as Consul's docs show it: the service's address empty, so the node's is used. */
  private static String entry(String node, String address) {
    return "{\"Node\":{\"Node\":\"" + node + "\",\"Address\":\"" + address + "\"},"
        + "\"Service\":{\"ID\":\"web\",\"Service\":\"web\",\"Tags\":[],\"Address\":\"\",\"Meta\":{},\"Port\":80,"
        + "\"Weights\":{\"Passing\":1,\"Warning\":1}},\"Checks\":[]}";
  }

  @Test
  void anInstanceReadsBackExactlyAsRegistered() {
    ServiceInstance instance = ServiceInstance.builder("payments", "10.1.2.3:8443").secure().weight(5).zone("eu-1a")
        .metadata("version", "2.1").metadata("tags", "blue,canary").build();
    manualClient(backend().build()).register(instance);
    time.runDue();

    ServiceView view = threadedClient(backend().build()).service("payments");

    assertThat(view.instances()).containsExactly(instance);
  }

  @Test
  void anAgentRestartKeepsTheRegistrationSoTheHeartbeatGoesOn() {
    Registration registration = manualClient(backend().build()).register("payments", "10.1.2.3:8888");
    time.runDue();
    consul.restart();

    time.advance(time.nextDelay());

    assertThat(consul.paths("/v1/agent/service/register")).as("no registering again").hasSize(1);
    assertThat(consul.paths("/v1/agent/check/pass/")).hasSize(1);
    assertThat(registration.state()).isEqualTo(RegistrationState.REGISTERED);
  }

  @Test
  void anInstanceWhoseHeartbeatStopsTurnsCriticalLeavesTheViewAndIsReapedLater() {
    Registration registration = manualClient(backend().build()).register("payments", "10.1.2.3:8888");
    time.runDue();
    ConsulBackend reader = backend().build();
    ServiceView view = threadedClient(reader).service("payments");
    assertThat(view.instances()).hasSize(1);

    consul.advance(TTL.plusSeconds(1)); // no heartbeat ran: the client's time stood still

    await().atMost(Duration.ofSeconds(5)).until(() -> view.instances().isEmpty());
    assertThat(view.snapshot().stale()).isFalse();
    assertThat(reader.critical("payments")).singleElement().satisfies(c -> {
      assertThat(c.checkId()).isEqualTo("service:" + registration.instance().id());
      assertThat(c.name()).isEqualTo("discovery heartbeat");
      assertThat(c.output()).isEqualTo("TTL expired");
      assertThat(c.serviceName()).isEqualTo("payments");
    });

    consul.advance(Duration.ofSeconds(30));
    assertThat(consul.service(registration.instance().id())).as("critical for less than the minute").isNotNull();
    consul.advance(Duration.ofSeconds(60));
    assertThat(consul.service(registration.instance().id())).as("reaped by the next 30 s reaper run past the minute").isNull();
    assertThat(reader.critical(null)).isEmpty();
  }

  @Test
  void changesReachTheViewThroughHeldBlockingQueriesNotPolling() {
    ServiceView view = threadedClient(backend().blockingWait(Duration.ofSeconds(60)).build()).service("payments");
    await().atMost(Duration.ofSeconds(5)).until(() -> consul.paths("/v1/health/service/").size() == 2);

    consul.registerDirectly("{\"ID\":\"p-1\",\"Name\":\"payments\",\"Address\":\"10.0.0.1\",\"Port\":80,"
        + "\"Check\":{\"TTL\":\"30s\",\"Status\":\"passing\"}}");

    await().atMost(Duration.ofSeconds(5)).until(() -> view.instances().size() == 1);
    List<RecordedRequest> queries = consul.requests.stream().filter(r -> r.getUrl().encodedPath().startsWith("/v1/health/service/")).toList();
    assertThat(queries.size()).as("one query answered at once, one held until the change, one held now").isLessThanOrEqualTo(3);
    assertThat(queries.get(0).getUrl().queryParameter("index")).isEqualTo("0");
    assertThat(queries.get(1).getUrl().queryParameter("index")).as("the index of the first answer").isEqualTo("1");
    assertThat(queries.get(1).getUrl().queryParameter("wait")).isEqualTo("60s");
    assertThat(queries.get(1).getUrl().queryParameterNames()).contains("passing");
  }

  @Test
  void anIndexThatGoesBackwardsStartsTheQueryAgainFromZero() {
    consul.registerDirectly("{\"ID\":\"p-1\",\"Name\":\"payments\",\"Address\":\"10.0.0.1\",\"Port\":80,\"Check\":{\"TTL\":\"30s\",\"Status\":\"passing\"}}");
    consul.registerDirectly("{\"ID\":\"o-1\",\"Name\":\"orders\",\"Address\":\"10.0.0.2\",\"Port\":80,\"Check\":{\"TTL\":\"30s\",\"Status\":\"passing\"}}");
    ServiceView view = threadedClient(backend().build()).service("payments");
    assertThat(view.instances()).hasSize(1);

    await().atMost(Duration.ofSeconds(5)).until(() -> !lastIndexAsked().equals("0")); // a query is held at the current index
    String before = lastIndexAsked();
    consul.restartDevAgent(); // a -dev agent keeps nothing: the index starts again at 1, below the client's
    consul.registerDirectly("{\"ID\":\"p-2\",\"Name\":\"payments\",\"Address\":\"10.0.0.3\",\"Port\":80,\"Check\":{\"TTL\":\"30s\",\"Status\":\"passing\"}}");

    await().atMost(Duration.ofSeconds(5)).until(() -> view.instances().size() == 1 && view.instances().get(0).id().equals("p-2"));
    assertThat(Long.parseLong(before)).isGreaterThan(2);
    // The held query answers the lower index when its wait ends; the query after it starts from 0.
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(consul.requests.stream()
        .filter(r -> r.getUrl().encodedPath().startsWith("/v1/health/service/")).map(r -> r.getUrl().queryParameter("index")).toList())
        .as("after the backwards answer the next query starts from 0").containsSubsequence(before, "0"));
  }

  private String lastIndexAsked() {
    List<RecordedRequest> queries = consul.requests.stream().filter(r -> r.getUrl().encodedPath().startsWith("/v1/health/service/")).toList();
    return queries.get(queries.size() - 1).getUrl().queryParameter("index");
  }

  @Test
  void withoutTheRequiredTokenRegistrationAndViewsFailWithAClearMessageAndTheTokenStaysInTheHeader() {
    consul.requireToken("s3cr3t-token");
    Registration denied = manualClient(backend().build()).register("payments", "10.1.2.3:8888");
    time.runDue();
    assertThat(denied.state()).as("a permission error is not healed by retrying").isEqualTo(RegistrationState.FAILED);
    assertThat(denied.failure()).get().extracting(Throwable::getMessage).asString()
        .contains("HTTP 403", "no ACL token was given");
    assertThat(denied.failure()).get().extracting(Throwable::getMessage).asString()
        .contains("lacks permission 'service:write' on \"payments\"");
    assertThatThrownBy(() -> backend().token("wrong").build().critical(null))
        .hasMessageContaining("HTTP 403").hasMessageContaining("ACL not found");

    ConsulBackend withToken = ConsulBackend.builder(consul.uri() + "?token=s3cr3t-token").blockingWait(Duration.ofSeconds(2)).build();
    Registration allowed = manualClient(withToken).register("payments", "10.1.2.4:8888");
    time.runDue();
    assertThat(allowed.state()).isEqualTo(RegistrationState.REGISTERED);
    assertThat(threadedClient(withToken).service("payments").instances()).hasSize(1);

    assertThat(consul.requests).allSatisfy(r -> assertThat(r.getUrl().toString()).doesNotContain("s3cr3t"));
    assertThat(consul.requests).filteredOn(r -> "s3cr3t-token".equals(r.getHeaders().get("X-Consul-Token"))).isNotEmpty();
    assertThat(withToken.toString()).doesNotContain("s3cr3t").contains("token=(hidden)");
  }

  @Test
  void serverErrorsKeepTheLastViewStaleUntilTheAgentAnswersAgain() {
    consul.registerDirectly("{\"ID\":\"p-1\",\"Name\":\"payments\",\"Address\":\"10.0.0.1\",\"Port\":80,\"Check\":{\"TTL\":\"30s\",\"Status\":\"passing\"}}");
    ServiceView view = threadedClient(backend().build()).service("payments");
    assertThat(view.instances()).hasSize(1);

    consul.failWith(500);
    await().atMost(Duration.ofSeconds(10)).until(() -> view.snapshot().stale());
    assertThat(view.instances()).hasSize(1);

    consul.failWith(0);
    await().atMost(Duration.ofSeconds(10)).until(() -> !view.snapshot().stale());
    assertThat(view.instances()).hasSize(1);
  }

  @Test
  void extraChecksAreRegisteredForTheAgentToRun() {
    consul.enableScriptChecks();
    ConsulBackend backend = backend()
        .check(ConsulCheck.http("/health", Duration.ofSeconds(10)).timeout(Duration.ofSeconds(2)))
        .check(ConsulCheck.tcp(Duration.ofSeconds(15)))
        .check(ConsulCheck.script(List.of("/usr/local/bin/check-payments", "--quick"), Duration.ofSeconds(30)))
        .build();
    ServiceInstance instance = ServiceInstance.builder("payments", "10.1.2.3:8443").secure().build();
    manualClient(backend).register(instance);
    time.runDue();

    JsonNode checks = consul.service(instance.id()).path("CheckDefinitions");
    assertThat(checks).hasSize(4);
    assertThat(checks.get(1).path("HTTP").asText()).isEqualTo("https://10.1.2.3:8443/health");
    assertThat(checks.get(1).path("Interval").asText()).isEqualTo("10000ms");
    assertThat(checks.get(1).path("Timeout").asText()).isEqualTo("2000ms");
    assertThat(checks.get(2).path("TCP").asText()).isEqualTo("10.1.2.3:8443");
    assertThat(checks.get(3).path("Args").toString()).isEqualTo("[\"/usr/local/bin/check-payments\",\"--quick\"]");
    assertThat(consul.checkStatuses()).containsEntry("service:" + instance.id() + ":2", "critical")
        .as("checks the agent runs start critical until they pass").containsEntry("service:" + instance.id() + ":3", "critical");
  }

  @Test
  void metadataConsulCannotHoldIsRefusedAtRegisterNamingTheKey() {
    DiscoveryClient client = manualClient(backend().build());
    assertThatThrownBy(() -> client.register(ServiceInstance.builder("payments", "10.1.2.3:80").metadata("build.sha", "abc").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid metadata key 'build.sha'");
    assertThatThrownBy(() -> client.register(ServiceInstance.builder("payments", "10.1.2.3:80").metadata("zone", "a").build()))
        .hasMessageContaining("reserved in Consul");
    assertThat(client.registrations()).isEmpty();
  }

  @Test
  void uriParametersAreCheckedAndTheTokenIsNeverInAnErrorMessage() {
    assertThatThrownBy(() -> DiscoveryClient.create("consul://127.0.0.1:8500?token=s3cr3t&colour=red"))
        .hasMessageContaining("unknown Consul URI parameter 'colour'")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t"));
    assertThatThrownBy(() -> DiscoveryClient.create("consul://bad host?token=s3cr3t"))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t"));
  }
}
