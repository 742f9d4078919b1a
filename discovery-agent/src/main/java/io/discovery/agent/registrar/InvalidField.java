package io.discovery.agent.registrar;

import java.util.List;

/**
 * A config value that a record's constructor refuses, with where it is relative to that record
 * (field names and list indexes), so that the parser can name its line and full path.
 */
final class InvalidField extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final transient List<Object> path;

  InvalidField(String field, String message) {
    this(List.of(field), message);
  }

  InvalidField(List<Object> path, String message) {
    super(message);
    this.path = List.copyOf(path);
  }

  /** Field names (String) and list indexes (Integer) from the record that refused the value. */
  List<Object> path() {
    return path;
  }
}
