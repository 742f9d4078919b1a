package io.discovery.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArgsTest {

  @Test
  void helpAnywhereOnTheLineAsksForTheUsage() {
    assertThat(Args.parse(new String[] {"--help"}).role()).isEqualTo("help");
    assertThat(Args.parse(new String[] {"-h"}).role()).isEqualTo("help");
    assertThat(Args.parse(new String[] {"service", "payments", "--help"}).role()).isEqualTo("help");
  }

  @Test
  void rolesServicesAndOptionsAreParsedAndMistakesNamed() {
    Args args = Args.parse(new String[] {"call", "payments", "--requests", "5"});
    assertThat(args.role()).isEqualTo("call");
    assertThat(args.service()).isEqualTo("payments");
    assertThat(args.options()).containsEntry("requests", "5");
    assertThat(Args.parse(new String[0]).role()).isEqualTo("demo");
    assertThatThrownBy(() -> Args.parse(new String[] {"call", "payments", "--requests"}))
        .hasMessageContaining("unexpected argument '--requests'");
  }
}
