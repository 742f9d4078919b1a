package io.discovery.examples;

import io.discovery.client.DiscoveryClient;
import java.time.Duration;

/**
 * The demo jar. Without arguments it runs the whole {@link Timeline} on an embedded ZooKeeper (or on
 * {@code --registry URI}); with a role it runs one part of it, for a trial across terminals:
 * {@code registry}, {@code service <name>} and {@code call <name>}.
 */
public final class Demo {
  static final Duration REGISTRY_TIMEOUT = Duration.ofSeconds(10);
  private static final long START = System.nanoTime();
  private static final String USAGE = String.join("\n",
      "usage: java -jar discovery-demo.jar [--registry URI]                 the whole demo (embedded ZooKeeper by default)",
      "       java -jar discovery-demo.jar registry [--port 2181]           an embedded ZooKeeper for the roles below",
      "       java -jar discovery-demo.jar service <name> --registry URI [--port N] [--ttl SECONDS]",
      "       java -jar discovery-demo.jar call <name> --registry URI [--policy round-robin|least-connection] [--requests N]",
      "registry URIs: zookeeper://127.0.0.1:2181, etcd://127.0.0.1:2379 (or set DISCOVERY_REGISTRY)");

  private Demo() {
  }

  public static void main(String[] argv) {
    int code;
    try {
      Args args = Args.parse(argv);
      code = switch (args.role()) {
        case "demo" -> {
          args.allow("registry");
          yield Timeline.run(args.options().get("registry"));
        }
        case "service" -> Roles.service(args);
        case "call" -> Roles.call(args);
        case "registry" -> Roles.registry(args);
        case "help", "-h", "--help" -> {
          System.out.println(USAGE);
          yield 0;
        }
        default -> throw new Args.UsageException("unknown role '" + args.role() + "'");
      };
    } catch (Args.UsageException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(USAGE);
      code = 2;
    } catch (IllegalArgumentException | IllegalStateException e) {
      code = fail(e.getMessage());
    } catch (Exception e) {
      code = fail(e.toString());
    }
    System.exit(code);
  }

  /** The registry from {@code --registry}, else {@code DISCOVERY_REGISTRY}. */
  static String registry(Args args) {
    String registry = args.option("registry", System.getenv(DiscoveryClient.REGISTRY_ENV));
    if (registry == null) {
      throw new Args.UsageException("give --registry URI (or set " + DiscoveryClient.REGISTRY_ENV + ")");
    }
    return registry;
  }

  static DiscoveryClient client(String registry) {
    return DiscoveryClient.builder().registry(registry).initialLoadTimeout(REGISTRY_TIMEOUT).withoutShutdownHook().build();
  }

  /** Prints a one-line error; returns the exit code 1. */
  static int fail(String message) {
    System.err.println("error: " + message);
    return 1;
  }

  static String elapsed() {
    return String.format("[%6.3f s]", (System.nanoTime() - START) / 1e9);
  }

  static void say(String line) {
    System.out.println(elapsed() + " " + line);
  }
}
