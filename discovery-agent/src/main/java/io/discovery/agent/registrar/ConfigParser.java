package io.discovery.agent.registrar;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.discovery.agent.Durations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * YAML to {@link RegistrarConfig}, and every failure to one message with the file, line and field:
 * the records validate in their constructors, Jackson says which record was being built
 * ({@link JsonMappingException#getPath()}), and a second pass over the YAML finds the line of that
 * field (for a value refused after its whole record was read, Jackson's own location is the record's
 * end, which is the wrong line).
 */
final class ConfigParser {
  private static final YAMLMapper MAPPER = YAMLMapper.builder()
      .addModule(new SimpleModule("durations").addDeserializer(Duration.class, new DurationDeserializer()))
      .build();

  private ConfigParser() {
  }

  static RegistrarConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e, e);
    }
    return parse(text, file.getFileName().toString());
  }

  static RegistrarConfig parse(String yaml, String source) {
    if (yaml.isBlank()) {
      throw new ConfigException(source, 0, "", "empty: expected 'services:' and a list of services");
    }
    try {
      RegistrarConfig config = MAPPER.readValue(yaml, RegistrarConfig.class);
      if (config == null) {
        throw new ConfigException(source, 0, "", "empty: expected 'services:' and a list of services");
      }
      return config;
    } catch (JsonProcessingException e) {
      JsonParseException syntax = cause(e, JsonParseException.class);
      if (syntax != null) {
        // SnakeYAML's mark is where the problem is; Jackson's is the last token it read, often a line earlier.
        MarkedYAMLException marked = cause(e, MarkedYAMLException.class);
        JsonLocation at = syntax.getLocation();
        int line = marked != null && marked.getProblemMark() != null ? marked.getProblemMark().getLine() + 1
            : at == null ? 0 : at.getLineNr();
        throw new ConfigException(source, line, "", "not valid YAML: " + oneLine(syntax.getOriginalMessage()));
      }
      if (e instanceof JsonMappingException mapping) {
        throw mappingError(mapping, yaml, source);
      }
      throw new ConfigException(source, 0, "", e.getOriginalMessage());
    }
  }

  /** SnakeYAML's multi-line message ("while parsing ...", the line quoted, a caret) on one line, without the quote. */
  private static String oneLine(String message) {
    return java.util.Arrays.stream(message.split("\\R"))
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.equals("^") && !l.startsWith("in 'reader'"))
        .collect(Collectors.joining(": "));
  }

  private static ConfigException mappingError(JsonMappingException e, String yaml, String source) {
    List<Object> path = new ArrayList<>();
    for (JsonMappingException.Reference ref : e.getPath()) {
      path.add(ref.getFieldName() != null ? ref.getFieldName() : (Object) ref.getIndex());
    }
    String problem;
    InvalidField invalid = cause(e, InvalidField.class);
    if (invalid != null) {
      List<Object> relative = invalid.path();
      // Jackson may already name the field it was reading when the record refused it.
      if (!path.isEmpty() && !relative.isEmpty() && path.get(path.size() - 1).equals(relative.get(0))) {
        relative = relative.subList(1, relative.size());
      }
      path.addAll(relative);
      problem = invalid.getMessage();
    } else if (e instanceof UnrecognizedPropertyException unknown) {
      problem = "unknown field; expected one of " + unknown.getKnownPropertyIds().stream()
          .map(Object::toString).sorted().collect(Collectors.joining(", "));
    } else if (e instanceof InvalidFormatException format && format.getTargetType() == Duration.class) {
      problem = format.getOriginalMessage();
    } else if (e instanceof InvalidFormatException format) {
      problem = "invalid value '" + format.getValue() + "': expected " + describe(format.getTargetType());
    } else if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null
        && mismatch.getTargetType() != RegistrarConfig.class) {
      problem = "wrong kind of value" + found(yaml, path) + ": expected " + describe(mismatch.getTargetType());
    } else {
      IllegalArgumentException plain = cause(e, IllegalArgumentException.class);
      problem = plain != null ? plain.getMessage() : e.getOriginalMessage();
    }
    int line = locate(yaml, path);
    // A field missing at the top has no line; Jackson's location would be the end of the file.
    if (line == 0 && invalid == null && e.getLocation() != null) {
      line = e.getLocation().getLineNr();
    }
    return new ConfigException(source, line, format(path), problem);
  }

  /** What the file holds at {@code path}: {@code  '3'}, {@code  (a list)}, {@code  (a mapping)}; empty if nothing. */
  private static String found(String yaml, List<Object> path) {
    JsonNode node;
    try {
      node = MAPPER.readTree(yaml);
    } catch (IOException e) {
      return "";
    }
    for (Object p : path) {
      node = p instanceof Integer i ? node.path(i) : node.path(p.toString());
    }
    if (node.isMissingNode()) {
      return "";
    }
    return node.isArray() ? " (a list)" : node.isObject() ? " (a mapping)" : " '" + node.asText() + "'";
  }

  private static String describe(Class<?> type) {
    if (type == Integer.class || type == int.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "a mapping of fields (key: value)";
    }
    if (type == Duration.class) {
      return "a duration such as 2s or 500ms";
    }
    return "a " + type.getSimpleName().toLowerCase(java.util.Locale.ROOT);
  }

  private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  /** {@code services[1].check.interval}. */
  static String format(List<Object> path) {
    StringBuilder b = new StringBuilder();
    for (Object p : path) {
      if (p instanceof Integer i) {
        b.append('[').append(i).append(']');
      } else {
        b.append(b.length() == 0 ? "" : ".").append(p);
      }
    }
    return b.toString();
  }

  /**
   * The 1-based line where {@code path} starts in {@code yaml}: the line of its key, or of its list
   * item; for a path that is not there (a missing field), the line of the longest part that is.
   * 0 when not even the first part is there.
   */
  static int locate(String yaml, List<Object> path) {
    for (int n = path.size(); n > 0; n--) {
      int line = lineOf(yaml, path.subList(0, n));
      if (line > 0) {
        return line;
      }
    }
    return 0;
  }

  private static int lineOf(String yaml, List<Object> target) {
    try (JsonParser p = new YAMLFactory().createParser(yaml)) {
      for (JsonToken token = p.nextToken(); token != null; token = p.nextToken()) {
        JsonStreamContext context = p.getParsingContext();
        if (token.isStructStart()) {
          context = context.getParent(); // the new object or list sits at its parent's position
        }
        if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY || context == null) {
          continue;
        }
        if (target.equals(pathOf(context))) {
          return p.currentTokenLocation().getLineNr();
        }
      }
    } catch (IOException e) {
      return 0; // the file did not parse this far: Jackson's own location stands
    }
    return 0;
  }

  private static List<Object> pathOf(JsonStreamContext context) {
    List<Object> path = new ArrayList<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        path.add(c.getCurrentIndex());
      } else if (c.getCurrentName() != null) {
        path.add(c.getCurrentName());
      }
    }
    Collections.reverse(path);
    return path;
  }

  /** {@code 2s}, {@code 500ms}, {@code 1m}; see {@link Durations#parse}. */
  private static final class DurationDeserializer extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = p.getValueAsString();
      try {
        return Durations.parse(text);
      } catch (IllegalArgumentException e) {
        throw InvalidFormatException.from(p, e.getMessage(), text, Duration.class);
      }
    }
  }
}
