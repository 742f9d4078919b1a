package io.discovery.agent.render;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Mustache templates for config files: values are written as they are, since nginx and HAProxy
 * configs are not HTML ({@code {{x}}} would otherwise turn {@code &} into {@code &amp;}).
 */
public final class Templates {
  private Templates() {
  }

  /**
   * Compiles the template in {@code file}.
   *
   * @throws IllegalArgumentException naming the file and the problem (unreadable, unbalanced section)
   */
  public static Mustache compile(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the template " + file + ": " + e, e);
    }
    return compile(text, file.toString());
  }

  /** Compiles {@code text}; {@code name} names it in errors. */
  public static Mustache compile(String text, String name) {
    try {
      return new PlainTextFactory().compile(new StringReader(text), name);
    } catch (MustacheException e) {
      throw new IllegalArgumentException("invalid template " + name + ": " + e.getMessage(), e);
    }
  }

  /** Mustache without HTML escaping. */
  private static final class PlainTextFactory extends DefaultMustacheFactory {
    @Override
    public void encode(String value, Writer writer) {
      try {
        writer.write(value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
