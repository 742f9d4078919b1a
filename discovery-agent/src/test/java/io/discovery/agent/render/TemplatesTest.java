package io.discovery.agent.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.mustachejava.Mustache;
import io.discovery.client.ServiceInstance;
import io.discovery.client.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shipped example templates, and what templates see. */
class TemplatesTest {
  private static final List<ServiceInstance> PAYMENTS = List.of(
      ServiceInstance.builder("payments", "10.0.0.1:8080").weight(3).zone("eu-1a").metadata("role", "a&b").build(),
      ServiceInstance.builder("payments", "10.0.0.2:8080").id("payments-2").build());

  private static String render(Mustache template, List<Snapshot> snapshots) throws IOException {
    StringWriter out = new StringWriter();
    template.execute(out, TemplateModel.of(snapshots)).flush();
    return out.toString();
  }

  private static Mustache example(String name) throws IOException {
    try (InputStream in = TemplatesTest.class.getResourceAsStream("/examples/" + name)) {
      return Templates.compile(new String(in.readAllBytes(), StandardCharsets.UTF_8), name);
    }
  }

  private static Snapshot payments() {
    return new Snapshot("payments", PAYMENTS, 1, Instant.EPOCH, false);
  }

  @Test
  void theHaproxyExampleRendersOneServerLinePerInstance() throws IOException {
    String cfg = render(example("haproxy.cfg.mustache"), List.of(payments()));

    assertThat(cfg).contains("""
        backend payments
            balance roundrobin
            server payments-10.0.0.1-8080 10.0.0.1:8080 weight 3 check
            server payments-2 10.0.0.2:8080 weight 1 check
        """);
  }

  @Test
  void theNginxExampleRendersAnUpstream() throws IOException {
    String conf = render(example("nginx.conf.mustache"), List.of(payments()));

    assertThat(conf).endsWith("""
        upstream payments {
            server 10.0.0.1:8080 weight=3;
            server 10.0.0.2:8080 weight=1;
        }
        """);
  }

  @Test
  void valuesAreNotHtmlEscapedAndEveryFieldIsThere() throws IOException {
    Mustache template = Templates.compile("{{#services.payments}}{{id}} {{host}} {{port}} {{hostPort}} {{weight}} "
        + "[{{zone}}] {{metadata.role}} {{secure}}\n{{/services.payments}}", "fields");

    assertThat(render(template, List.of(payments()))).isEqualTo("""
        payments-10.0.0.1-8080 10.0.0.1 8080 10.0.0.1:8080 3 [eu-1a] a&b false
        payments-2 10.0.0.2 8080 10.0.0.2:8080 1 [] \sfalse
        """);
  }

  @Test
  void anUnbalancedTemplateIsRefusedWithItsName() {
    assertThatThrownBy(() -> Templates.compile("{{#services.payments}}x", "broken.mustache"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid template broken.mustache: ");
  }
}
