package io.discovery.agent.console;

import io.discovery.agent.Shutdown;
import io.discovery.client.DiscoveryClient;
import io.discovery.client.consul.ConsulBackend;
import io.discovery.client.internal.RegistryUris;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code console --registry URI [--port 8500] [--bind 127.0.0.1]}: a live web page of the registry. */
@Command(name = "console",
    mixinStandardHelpOptions = true,
    description = {
        "Serves a live web page of the registry: every service, its instances (address, zone, weight, metadata),"
            + " the age and stale flag of its view and, for Consul, its critical checks; open pages update as the"
            + " registry changes.",
        "JSON: GET /api/services (everything), /api/services/<name>, /api/events (server-sent events).",
        "Read-only and without authentication: it listens on loopback unless --bind says otherwise."})
public final class ConsoleCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--registry", paramLabel = "URI",
      description = "etcd://..., zookeeper://..., consul://..., memory: (default: $DISCOVERY_REGISTRY); "
          + "not dns+srv://, which cannot list services")
  String registry;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8500",
      description = "the port to listen on; 0 for any free port (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "the address to listen on (default: ${DEFAULT-VALUE}); 0.0.0.0 shows the registry to the whole network")
  String bind;

  @Option(names = "--refresh", paramLabel = "DURATION", defaultValue = "2s",
      description = "how often to list the services again, to find new and removed ones (default: ${DEFAULT-VALUE})")
  Duration refresh;

  @Override
  public Integer call() {
    Started started = start();
    if (started == null) {
      return 2;
    }
    Shutdown.awaitThenClose("console", List.of(started.console(), started.client()));
    return 0;
  }

  /** The console and the client it reads; closing closes both. */
  record Started(Console console, DiscoveryClient client) implements AutoCloseable {
    @Override
    public void close() {
      Shutdown.closeAll(List.of(console, client));
    }
  }

  /** Builds the client, starts the console and prints its URL; null after printing why it could not. */
  Started start() {
    PrintWriter err = spec.commandLine().getErr();
    String uri = registry != null ? registry : System.getenv(DiscoveryClient.REGISTRY_ENV);
    String scheme = uri == null ? "" : uri.trim().toLowerCase(Locale.ROOT);
    if (scheme.startsWith("dns+srv:")) {
      err.println("error: the console lists every service of the registry, and DNS cannot list them: a dns+srv"
          + " registry answers only for the names asked. Give --registry the registry behind the DNS names"
          + " (Consul's DNS: consul://127.0.0.1:8500)");
      return null;
    }
    InetSocketAddress address;
    DiscoveryClient client;
    CriticalChecks checks = null;
    try {
      address = address();
      if (scheme.startsWith("consul://") || scheme.startsWith("consul+https://")) {
        ConsulBackend consul = ConsulBackend.builder(uri.trim()).build();
        checks = CriticalChecks.of(consul);
        client = DiscoveryClient.builder().backend(consul).withoutShutdownHook().build();
      } else {
        // Nothing to deregister: the command's own shutdown hook closes the client.
        client = DiscoveryClient.builder().registry(uri).withoutShutdownHook().build();
      }
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return null;
    }
    String shown = RegistryUris.redacted(uri.trim());
    Console console;
    try {
      Console.Builder builder = Console.builder(client).registry(shown).bind(address).refresh(refresh);
      if (checks != null) {
        builder.criticalChecks(checks);
      }
      console = builder.start();
    } catch (UnsupportedOperationException | UncheckedIOException | IllegalArgumentException e) {
      client.close();
      err.println("error: " + e.getMessage());
      return null;
    }
    if (!address.getAddress().isLoopbackAddress()) {
      err.println("warning: the console has no authentication; whoever reaches " + bind
          + " can read every instance and its metadata");
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("console of " + shown + " on " + console.uri()
        + (address.getAddress().isAnyLocalAddress() ? " (listening on all interfaces)" : ""));
    out.flush();
    return new Started(console, client);
  }

  /** The address --bind and --port name. */
  InetSocketAddress address() {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("invalid --port " + port + ": expected 0 (any free port) to 65535");
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(bind.trim()), port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("invalid --bind '" + bind + "': not an address of this machine", e);
    }
  }
}
