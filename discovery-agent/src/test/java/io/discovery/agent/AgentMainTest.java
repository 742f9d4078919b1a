package io.discovery.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AgentMainTest {
  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine commandLine = AgentMain.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void helpListsTheCommandsAndExitsZero() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("registrar").contains("render").contains("console");
  }

  @Test
  void eachCommandHasItsOwnHelp() {
    assertThat(run("registrar", "--help")).isZero();
    assertThat(out.toString()).contains("--config").contains("--registry");
    assertThat(run("render", "--help")).isZero();
    assertThat(out.toString()).contains("--allow-empty").contains("--debounce").contains("--exec");
  }

  @Test
  void aBadDurationIsAUsageErrorThatNamesIt() {
    assertThat(run("render", "--registry", "memory://agent-main", "--service", "a", "--template", "t", "--out", "o",
        "--debounce", "soon")).isEqualTo(2);
    assertThat(err.toString()).contains("--debounce").contains("invalid duration 'soon'");
  }

  @Test
  void aBadConfigStopsTheRegistrarBeforeItStartsWithTheLineAndField() throws Exception {
    Path config = dir.resolve("registrar.yaml");
    Files.writeString(config, "services:\n  - name: billing\n    address: nowhere\n    check: { tcp: true }\n");
    assertThat(run("registrar", "--registry", "memory://agent-main", "--config", config.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("registrar.yaml line 3, services[0].address: invalid address 'nowhere'");
  }
}
