package io.discovery.examples;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code <role> [<service>] [--name value]...} */
record Args(String role, String service, Map<String, String> options) {

  static Args parse(String[] args) {
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h") || arg.equals("help")) {
        return new Args("help", null, Map.of());
      }
    }
    String role = "demo";
    String service = null;
    Map<String, String> options = new HashMap<>();
    int i = 0;
    if (i < args.length && !args[i].startsWith("--")) {
      role = args[i++];
    }
    if (i < args.length && !args[i].startsWith("--")) {
      service = args[i++];
    }
    for (; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new UsageException("unexpected argument '" + args[i] + "'");
      }
      options.put(args[i].substring(2), args[++i]);
    }
    return new Args(role, service, options);
  }

  String option(String name, String fallback) {
    return options.getOrDefault(name, fallback);
  }

  int intOption(String name, int fallback) {
    String value = options.get(name);
    try {
      return value == null ? fallback : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a whole number, got '" + value + "'");
    }
  }

  Duration seconds(String name, int fallback) {
    return Duration.ofSeconds(intOption(name, fallback));
  }

  void allow(String... names) {
    for (String given : options.keySet()) {
      if (!List.of(names).contains(given)) {
        throw new UsageException("unknown option --" + given + " for '" + role + "'");
      }
    }
  }

  String requireService() {
    if (service == null) {
      throw new UsageException("'" + role + "' needs a service name, e.g. '" + role + " payments'");
    }
    return service;
  }

  /** Wrong command line: printed with the usage, exit code 2. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
