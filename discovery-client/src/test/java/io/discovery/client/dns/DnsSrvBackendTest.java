package io.discovery.client.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.discovery.client.RegistryUnavailableException;
import io.discovery.client.ServiceInstance;
import io.discovery.client.spi.BackendContext;
import io.discovery.client.spi.WatchHandle;
import io.discovery.client.spi.WatchListener;
import io.discovery.testing.ManualScheduler;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SRV source against a scripted DNS server: answer shapes and failures dnsmasq cannot be told to produce. */
class DnsSrvBackendTest {
  private static final String NAME = "_payments._tcp.service.consul";
  private final ManualScheduler time = new ManualScheduler();
  private final ScriptedDns dns;

  DnsSrvBackendTest() throws Exception {
    dns = new ScriptedDns();
  }

  @AfterEach
  void stop() {
    dns.close();
  }

  private DnsSrvBackend backend(String query) {
    return (DnsSrvBackend) new DnsSrvBackendFactory().create(
        URI.create("dns+srv://service.consul?server=" + dns.server() + (query.isEmpty() ? "" : "&" + query)),
        new BackendContext(time, Duration.ofSeconds(10)));
  }

  @Test
  void theLowestPriorityRecordsWithTheirAddressesAreTheInstances() {
    dns.on(NAME, DnsMessage.TYPE_SRV, ScriptedDns.answer()
        .srv(NAME, 1, 5, 8080, "pay1.node.consul", 30)
        .srv(NAME, 1, 65_535, 8081, "pay2.node.consul", 60)
        .srv(NAME, 2, 1, 9090, "backup.node.consul", 10)
        .srv(NAME, 1, 0, 7070, ".", 5) // "not offered here": skipped, yet its TTL counts
        .extraA("pay1.node.consul", "127.0.0.11", 20)
        .extraA("pay2.node.consul", "::1", 40));

    DnsSrvBackend.Resolution r = backend("").resolve("payments");

    assertThat(r.instances()).extracting(ServiceInstance::hostPort).containsExactly("127.0.0.11:8080", "[0:0:0:0:0:0:0:1]:8081");
    ServiceInstance first = r.instances().get(0);
    assertThat(first.id()).isEqualTo("pay1.node.consul-127.0.0.11-8080");
    assertThat(first.weight()).isEqualTo(5);
    assertThat(first.metadata()).isEqualTo(Map.of("dns.target", "pay1.node.consul", "dns.priority", "1"));
    assertThat(r.instances().get(1).id()).isEqualTo("pay2.node.consul-0_0_0_0_0_0_0_1-8081");
    assertThat(r.instances().get(1).weight()).isEqualTo(65_535);
    assertThat(r.refreshAfter()).isEqualTo(Duration.ofSeconds(5));
    assertThat(dns.questions()).containsExactly("udp " + NAME + "/33");
  }

  @Test
  void aWeightOfZeroCountsAsOne() {
    dns.on(NAME, DnsMessage.TYPE_SRV, ScriptedDns.answer().srv(NAME, 0, 0, 80, "a.consul", 30).extraA("a.consul", "10.0.0.1", 30));

    assertThat(backend("").resolve("payments").instances()).singleElement().extracting(ServiceInstance::weight).isEqualTo(1);
  }

  @Test
  void targetsWithoutAddressesInTheAnswerAreLookedUpForBothFamilies() {
    dns.on(NAME, DnsMessage.TYPE_SRV, ScriptedDns.answer().srv(NAME, 1, 1, 8080, "pay1.node.consul", 30))
        .on("pay1.node.consul", DnsMessage.TYPE_A, ScriptedDns.answer().a("pay1.node.consul", "127.0.0.11", 3))
        .on("pay1.node.consul", DnsMessage.TYPE_AAAA, ScriptedDns.answer().a("pay1.node.consul", "::2", 30));

    DnsSrvBackend.Resolution r = backend("").resolve("payments");

    assertThat(r.instances()).extracting(ServiceInstance::hostPort).containsExactly("127.0.0.11:8080", "[0:0:0:0:0:0:0:2]:8080");
    assertThat(r.refreshAfter()).as("the address record's shorter TTL").isEqualTo(Duration.ofSeconds(3));
    assertThat(dns.questions()).containsExactly("udp " + NAME + "/33", "udp pay1.node.consul/1", "udp pay1.node.consul/28");
  }

  @Test
  void theRefreshStaysBetweenOneSecondAndFiveMinutes() {
    dns.on(NAME, DnsMessage.TYPE_SRV, ScriptedDns.answer().srv(NAME, 1, 1, 8080, "a.consul", 0).extraA("a.consul", "10.0.0.1", 0));
    assertThat(backend("").resolve("payments").refreshAfter()).isEqualTo(Duration.ofSeconds(1));

    dns.on(NAME, DnsMessage.TYPE_SRV, ScriptedDns.answer().srv(NAME, 1, 1, 8080, "a.consul", 86_400).extraA("a.consul", "10.0.0.1", 86_400));
    assertThat(backend("").resolve("payments").refreshAfter()).isEqualTo(Duration.ofMinutes(5));

    dns.on(NAME, DnsMessage.TYPE_SRV, ScriptedDns.answer().srv(NAME, 1, 1, 8080, "a.consul", 299).extraA("a.consul", "10.0.0.1", 299));
    assertThat(backend("").resolve("payments").refreshAfter()).isEqualTo(Duration.ofSeconds(299));
  }

  @Test
  void aMissingNameOrAnEmptyAnswerIsAnEmptyListAskedAgainInFiveSeconds() {
    DnsSrvBackend backend = backend("");
    assertThat(backend.resolve("payments")).isEqualTo(new DnsSrvBackend.Resolution(List.of(), Duration.ofSeconds(5)));

    dns.on(NAME, DnsMessage.TYPE_SRV, ScriptedDns.answer().a(NAME, "10.0.0.1", 30)); // no SRV record among the answers
    assertThat(backend.resolve("payments")).isEqualTo(new DnsSrvBackend.Resolution(List.of(), Duration.ofSeconds(5)));
  }

  @Test
  void aServerErrorIsAnOutageNamingTheServerAndTheCode() {
    dns.on(NAME, DnsMessage.TYPE_SRV, ScriptedDns.error(2));

    assertThatThrownBy(() -> backend("").resolve("payments")).isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("DNS server /" + dns.server()).hasMessageContaining(NAME).hasMessageContaining("error code 2");
  }

  @Test
  void aTruncatedAnswerIsAskedAgainOverTcp() {
    dns.on(NAME, DnsMessage.TYPE_SRV, ScriptedDns.answer().srv(NAME, 1, 1, 8080, "a.consul", 30).extraA("a.consul", "10.0.0.1", 30))
        .udp(ScriptedDns.Udp.TRUNCATE);

    assertThat(backend("").resolve("payments").instances()).extracting(ServiceInstance::hostPort).containsExactly("10.0.0.1:8080");
    assertThat(dns.questions()).containsExactly("udp " + NAME + "/33", "tcp " + NAME + "/33");
  }

  @Test
  void anAnswerWithAnotherIdIsIgnored() {
    dns.on(NAME, DnsMessage.TYPE_SRV, ScriptedDns.answer().srv(NAME, 1, 1, 8080, "a.consul", 30).extraA("a.consul", "10.0.0.1", 30))
        .udp(ScriptedDns.Udp.STRAY_ID_FIRST);

    assertThat(backend("").resolve("payments").instances()).extracting(ServiceInstance::hostPort).containsExactly("10.0.0.1:8080");
    assertThat(dns.questions()).hasSize(1);
  }

  @Test
  void aSilentServerIsAnOutageAfterTwoAttemptsOfTheTimeout() {
    dns.udp(ScriptedDns.Udp.SILENT);

    assertThatThrownBy(() -> backend("timeout=100ms").resolve("payments")).isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("did not answer " + NAME + " after 2 attempts of 100 ms");
    assertThat(dns.questions()).hasSize(2);
  }

  @Test
  void aTruncatedAnswerFromAServerWithoutTcpIsAnOutage() throws Exception {
    dns.udp(ScriptedDns.Udp.TRUNCATE);
    DnsSrvBackend backend = backend("timeout=200");
    dns.close(); // no TCP either now

    assertThatThrownBy(() -> backend.resolve("payments")).isInstanceOf(RegistryUnavailableException.class);
  }

  /** Records what a watch delivers. */
  private static final class Recorder implements WatchListener {
    final List<List<ServiceInstance>> lists = new CopyOnWriteArrayList<>();
    final List<Long> revisions = new CopyOnWriteArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();

    @Override
    public void onInstances(List<ServiceInstance> instances, long revision) {
      lists.add(instances);
      revisions.add(revision);
    }

    @Override
    public void onChanges(Collection<ServiceInstance> upserted, Collection<String> removedIds, long revision) {
      throw new AssertionError("DNS delivers whole lists");
    }

    @Override
    public void onFailure(Throwable error) {
      failures.add(error);
    }
  }

  @Test
  void aWatchDeliversOnlyChangedAnswersAtEachTtlAndStopsOnFailure() {
    dns.on(NAME, DnsMessage.TYPE_SRV, ScriptedDns.answer().srv(NAME, 1, 1, 8080, "a.consul", 10).extraA("a.consul", "10.0.0.1", 10));
    DnsSrvBackend backend = backend("timeout=100");
    Recorder recorder = new Recorder();
    backend.watch("payments", recorder);

    time.runDue();
    assertThat(recorder.lists).hasSize(1);
    time.advance(Duration.ofSeconds(9));
    assertThat(dns.questions()).as("not asked again before the TTL").hasSize(1);
    time.advance(Duration.ofSeconds(1));
    assertThat(dns.questions()).hasSize(2);
    assertThat(recorder.lists).as("the same answer is not delivered again").hasSize(1);

    dns.on(NAME, DnsMessage.TYPE_SRV, ScriptedDns.answer().srv(NAME, 1, 1, 8080, "b.consul", 10).extraA("b.consul", "10.0.0.2", 10));
    time.advance(Duration.ofSeconds(10));
    assertThat(recorder.lists).hasSize(2);
    assertThat(recorder.lists.get(1)).extracting(ServiceInstance::host).containsExactly("10.0.0.2");
    assertThat(recorder.revisions).containsExactly(1L, 2L);

    dns.on(NAME, DnsMessage.TYPE_SRV, ScriptedDns.error(2));
    time.advance(Duration.ofSeconds(10));
    assertThat(recorder.failures).singleElement().isInstanceOf(RegistryUnavailableException.class);
    int asked = dns.questions().size();
    time.advance(Duration.ofMinutes(10));
    assertThat(dns.questions()).as("a failed watch asks no more").hasSize(asked);
  }

  @Test
  void aClosedWatchAsksNoMore() throws Exception {
    dns.on(NAME, DnsMessage.TYPE_SRV, ScriptedDns.answer().srv(NAME, 1, 1, 8080, "a.consul", 10).extraA("a.consul", "10.0.0.1", 10));
    Recorder recorder = new Recorder();
    WatchHandle watch = backend("").watch("payments", recorder);
    time.runDue();

    watch.close();
    time.advance(Duration.ofMinutes(10));

    assertThat(dns.questions()).hasSize(1);
    assertThat(recorder.lists).hasSize(1);
  }

  @Test
  void aWatchClosedBeforeItsFirstQuestionAsksNothing() throws Exception {
    WatchHandle watch = backend("").watch("payments", new Recorder());
    watch.close();
    time.advance(Duration.ofMinutes(10));

    assertThat(dns.questions()).isEmpty();
  }

  @Test
  void registrationIsRefusedBecauseDnsIsReadOnly() {
    DnsSrvBackend backend = backend("");
    ServiceInstance instance = ServiceInstance.of("payments", "10.0.0.1:80");
    assertThatThrownBy(() -> backend.validate(instance)).hasMessage(DnsSrvBackend.READ_ONLY);
    assertThatThrownBy(() -> backend.register(instance, Duration.ofSeconds(10))).hasMessage(DnsSrvBackend.READ_ONLY);
    assertThatThrownBy(() -> backend.renew(null)).hasMessage(DnsSrvBackend.READ_ONLY);
    assertThatThrownBy(() -> backend.deregister(null)).hasMessage(DnsSrvBackend.READ_ONLY);
  }
}
