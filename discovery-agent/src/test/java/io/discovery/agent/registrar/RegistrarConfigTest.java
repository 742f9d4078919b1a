package io.discovery.agent.registrar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistrarConfigTest {
  private static final String GOOD = """
      services:
        - name: legacy-billing
          address: 127.0.0.1:9201
          check: { http: "http://127.0.0.1:9201/health", interval: 2s, timeout: 1s }
        - name: legacy-db
          address: 127.0.0.1:5432
          check: { tcp: true, interval: 500ms }
          rise: 3
          fall: 1
          zone: eu-1a
          weight: 5
        - name: reports
          address: 127.0.0.1:9300
          id: reports-primary
          check: { script: ["sh", "-c", "test -f /var/run/reports.master"], interval: 2s }
          metadata: { role: master, version: 2 }
      """;

  private static ConfigException parseError(String yaml) {
    try {
      RegistrarConfig.parse(yaml, "registrar.yaml");
    } catch (ConfigException e) {
      return e;
    }
    throw new AssertionError("parsed, though it should not have:\n" + yaml);
  }

  @Test
  void readsEveryFieldWithDefaults() {
    RegistrarConfig config = RegistrarConfig.parse(GOOD, "registrar.yaml");

    assertThat(config.services()).hasSize(3);
    EndpointConfig billing = config.services().get(0);
    assertThat(billing.check().kind()).isEqualTo(CheckConfig.Kind.HTTP);
    assertThat(billing.check().interval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(billing.check().timeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(billing.rise()).isEqualTo(2);
    assertThat(billing.fall()).isEqualTo(2);
    assertThat(billing.instance().id()).isEqualTo("legacy-billing-127.0.0.1-9201");
    assertThat(billing.instance().weight()).isEqualTo(1);

    EndpointConfig db = config.services().get(1);
    assertThat(db.check().kind()).isEqualTo(CheckConfig.Kind.TCP);
    assertThat(db.check().interval()).isEqualTo(Duration.ofMillis(500));
    assertThat(db.check().timeout()).as("default: 1 s or the interval, whichever is less").isEqualTo(Duration.ofMillis(500));
    assertThat(db.rise()).isEqualTo(3);
    assertThat(db.fall()).isEqualTo(1);
    assertThat(db.instance().zone()).isEqualTo("eu-1a");
    assertThat(db.instance().weight()).isEqualTo(5);

    EndpointConfig reports = config.services().get(2);
    assertThat(reports.check().script()).containsExactly("sh", "-c", "test -f /var/run/reports.master");
    assertThat(reports.check().timeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(reports.instance().id()).isEqualTo("reports-primary");
    assertThat(reports.instance().metadata()).isEqualTo(Map.of("role", "master", "version", "2"));
  }

  @Test
  void theShippedExampleParses() throws IOException {
    try (InputStream in = RegistrarConfigTest.class.getResourceAsStream("/examples/registrar.yaml")) {
      RegistrarConfig config = RegistrarConfig.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "registrar.yaml");
      assertThat(config.services()).extracting(EndpointConfig::name).containsExactly("legacy-billing", "legacy-db", "reports");
    }
  }

  @Test
  void aBadAddressNamesItsLineAndPath() {
    ConfigException e = parseError("""
        services:
          - name: a
            address: 127.0.0.1:1
            check: { tcp: true }
          - name: b
            address: x
            check: { tcp: true }
        """);
    assertThat(e).hasMessageStartingWith("registrar.yaml line 6, services[1].address: invalid address 'x' of service 'b'");
    assertThat(e.line()).isEqualTo(6);
    assertThat(e.path()).isEqualTo("services[1].address");
  }

  @Test
  void eachBadFieldIsNamedWithItsLine() {
    assertThat(parseError(entry("name: Bad_Name!", "address: 127.0.0.1:80", "check: { tcp: true }")))
        .hasMessageStartingWith("registrar.yaml line 3, services[0].name: invalid service name 'Bad_Name!'");
    assertThat(parseError(entry("name: a", "address: 127.0.0.1:80", "check: { tcp: true, interval: 2x }")))
        .hasMessage("registrar.yaml line 5, services[0].check.interval: invalid duration '2x': expected a whole number"
            + " and a unit (ms, s, m or h), e.g. 500ms, 2s, 1m");
    assertThat(parseError(entry("name: a", "address: 127.0.0.1:80", "check: { tcp: true, interval: 2s, timeout: 5s }")))
        .hasMessageStartingWith("registrar.yaml line 5, services[0].check.timeout: timeout 5s is longer than the interval 2s");
    assertThat(parseError(entry("name: a", "address: 127.0.0.1:80", "check: { tcp: true, http: \"http://x/\" }")))
        .hasMessage("registrar.yaml line 5, services[0].check: more than one check (http, tcp): expected exactly one"
            + " of http (a URL), tcp: true or script (a command list)");
    assertThat(parseError(entry("name: a", "address: 127.0.0.1:80", "check: { http: \"ftp://x/\" }")))
        .hasMessageStartingWith("registrar.yaml line 5, services[0].check.http: invalid URL 'ftp://x/'");
    assertThat(parseError(entry("name: a", "address: 127.0.0.1:80", "check: { script: [] }")))
        .hasMessageStartingWith("registrar.yaml line 5, services[0].check.script: empty command");
    assertThat(parseError(entry("name: a", "address: 127.0.0.1:80", "check: { tcp: true }", "weight: 0")))
        .hasMessage("registrar.yaml line 6, services[0].weight: invalid weight 0: expected 1 to 1000000");
    assertThat(parseError(entry("name: a", "address: 127.0.0.1:80", "check: { tcp: true }", "weight: heavy")))
        .hasMessage("registrar.yaml line 6, services[0].weight: invalid value 'heavy': expected a whole number");
    assertThat(parseError(entry("name: a", "address: 127.0.0.1:80", "check: { tcp: true }", "rise: 0")))
        .hasMessageStartingWith("registrar.yaml line 6, services[0].rise: invalid rise 0: expected 1 to 100");
    assertThat(parseError(entry("name: a", "address: 127.0.0.1:80", "check: { tcp: true }", "id: has space")))
        .hasMessageStartingWith("registrar.yaml line 6, services[0].id: invalid instance id 'has space'");
    assertThat(parseError(entry("name: a", "address: 127.0.0.1:80", "check: { tcp: true }", "metadata: { role: }")))
        .hasMessageStartingWith("registrar.yaml line 6, services[0].metadata.role: empty value");
  }

  @Test
  void aMissingFieldIsNamedAtItsEntry() {
    assertThat(parseError(entry("name: a", "address: 127.0.0.1:80")))
        .hasMessageStartingWith("registrar.yaml line 3, services[0].check: missing: expected one of http, tcp or script");
    assertThat(parseError(entry("name: a", "check: { tcp: true }")))
        .hasMessage("registrar.yaml line 3, services[0].address: missing: expected host:port, e.g. 127.0.0.1:9201");
    assertThat(parseError("other: 1\n")).hasMessage("registrar.yaml, services: missing: expected a list of services,"
        + " each with name, address and check");
    assertThat(parseError("services: []\nother: 1\n"))
        .hasMessage("registrar.yaml line 2, other: unknown field; expected one of services");
  }

  @Test
  void anUnknownFieldIsNamedWithTheKnownOnes() {
    assertThat(parseError(entry("name: a", "address: 127.0.0.1:80", "check: { tcp: true }", "wieght: 3")))
        .hasMessage("registrar.yaml line 6, services[0].wieght: unknown field; expected one of address, check, fall, id,"
            + " metadata, name, rise, weight, zone");
  }

  @Test
  void aBlockStyleCheckErrorPointsAtTheCheckNotTheNextEntry() {
    assertThat(parseError("""
        services:
          - name: a
            address: 127.0.0.1:80
            check:
              interval: 2s
          - name: b
            address: 127.0.0.1:81
            check: { tcp: true }
        """)).hasMessageStartingWith("registrar.yaml line 4, services[0].check: no check: expected exactly one of");
  }

  @Test
  void twoEntriesWithTheSameServiceAndIdAreRefused() {
    assertThat(parseError("""
        services:
          - name: a
            address: 127.0.0.1:80
            check: { tcp: true }
          - name: A
            address: 127.0.0.2:80
            id: a-127.0.0.1-80
            check: { tcp: true }
        """)).hasMessage("registrar.yaml line 5, services[1]: same service and instance id 'a-127.0.0.1-80' as services[0]:"
            + " give one of them another id");
  }

  @Test
  void emptyAndMalformedFilesAreRefused() {
    assertThat(parseError("  \n")).hasMessage("registrar.yaml: empty: expected 'services:' and a list of services");
    assertThat(parseError("services: [\n")).hasMessage("registrar.yaml line 2: not valid YAML: while parsing a flow node:"
        + " expected the node content, but found '<stream end>'");
    assertThat(parseError("services:\n  - name: a\n\t  address: b\n")).hasMessageStartingWith("registrar.yaml line 3: not valid YAML: ");
    assertThat(parseError("services: 3\n")).hasMessage("registrar.yaml line 1, services: wrong kind of value '3': expected a list");
    assertThat(parseError("services:\n  - name: a\n    address: 127.0.0.1:1\n    check: [tcp]\n"))
        .hasMessage("registrar.yaml line 4, services[0].check: wrong kind of value (a list): expected a mapping of fields (key: value)");
  }

  @Test
  void anEmptyListIsAValidConfig() {
    assertThat(RegistrarConfig.parse("services: []\n", "registrar.yaml").services()).isEmpty();
  }

  @Test
  void equalSettingsMakeEqualEndpointsSoAReloadCanTellWhatChanged() {
    RegistrarConfig a = RegistrarConfig.parse(GOOD, "a.yaml");
    RegistrarConfig b = RegistrarConfig.parse(GOOD.replace("role: master", "role: standby"), "b.yaml");

    assertThat(a).isEqualTo(RegistrarConfig.parse(GOOD, "again.yaml"));
    assertThat(b.services().get(2)).isNotEqualTo(a.services().get(2));
    assertThat(b.services().get(2).key()).isEqualTo(a.services().get(2).key());
    assertThat(List.of(a.services().get(0).key())).containsExactly("legacy-billing 127.0.0.1:9201 legacy-billing-127.0.0.1-9201");
  }

  /** One service entry with {@code fields}, each on its own line from line 3. */
  private static String entry(String... fields) {
    StringBuilder b = new StringBuilder("services:\n  -\n");
    for (String field : fields) {
      b.append("    ").append(field).append('\n');
    }
    return b.toString();
  }
}
