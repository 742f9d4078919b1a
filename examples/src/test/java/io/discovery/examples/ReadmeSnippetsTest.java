package io.discovery.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's Java code blocks are compiled code: each one is a {@code // readme:begin NAME} ..
 * {@code // readme:end NAME} region of a class in {@code io.discovery.examples.readme}, or of a test
 * that runs it in a module this one does not depend on, and must stand in the README exactly
 * (indentation removed), so the README cannot drift from code that compiles.
 */
class ReadmeSnippetsTest {
  private static final List<Path> SNIPPETS = List.of(Path.of("src/main/java/io/discovery/examples/readme"),
      Path.of("../discovery-micrometer/src/test/java/io/discovery/micrometer"),
      Path.of("../discovery-testing/src/test/java/io/discovery/testing"));
  private static final Pattern REGION = Pattern.compile("(?s)// readme:begin (\\w+)\\n(.*?)\\n\\s*// readme:end \\1");
  private static final Pattern JAVA_BLOCK = Pattern.compile("(?s)```java\\n(.*?)\\n```");

  @Test
  void everyJavaBlockInTheReadmeIsACompiledSnippet() throws IOException {
    String readme = Files.readString(Path.of("../README.md"));
    Map<String, String> snippets = snippets();
    assertThat(snippets).containsKeys("quickstart", "picking", "okhttp", "jdkhttp", "consul", "dns", "offline", "events",
        "micrometer", "micrometerHttp", "testing");

    List<String> blocks = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(readme);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    assertThat(blocks).as("README java blocks").containsExactlyInAnyOrderElementsOf(snippets.values());
  }

  private static Map<String, String> snippets() throws IOException {
    Map<String, String> snippets = new LinkedHashMap<>();
    for (Path dir : SNIPPETS) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
          Matcher m = REGION.matcher(Files.readString(file));
          while (m.find()) {
            snippets.put(m.group(1), dedent(m.group(2)));
          }
        }
      }
    }
    return snippets;
  }

  private static String dedent(String text) {
    List<String> lines = text.lines().toList();
    int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    return String.join("\n", lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList());
  }
}
