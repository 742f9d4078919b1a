package io.discovery.agent.registrar;

import io.discovery.agent.Shutdown;
import io.discovery.client.DiscoveryClient;
import io.discovery.client.time.Scheduler;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code registrar --registry URI --config FILE}: registers legacy endpoints while their checks pass. */
@Command(name = "registrar",
    mixinStandardHelpOptions = true,
    description = {
        "Registers endpoints that cannot register themselves, while their HTTP, TCP or script checks pass.",
        "The config file is re-read every second; a bad one is refused with its line and field, and the last good one stays.",
        "SIGTERM deregisters everything."})
public final class RegistrarCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--registry", paramLabel = "URI",
      description = "etcd://..., zookeeper://..., consul://..., memory: (default: $DISCOVERY_REGISTRY)")
  String registry;

  @Option(names = "--config", paramLabel = "FILE", required = true, description = "YAML list of services to check and register")
  Path config;

  @Override
  public Integer call() {
    Scheduler watchTimer = Scheduler.threads("registrar-config", 1);
    ConfigWatcher watcher = new ConfigWatcher(config, watchTimer, Duration.ofSeconds(1));
    RegistrarConfig initial;
    try {
      initial = watcher.load();
    } catch (ConfigException | UncheckedIOException e) {
      watchTimer.close();
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return 2;
    }
    DiscoveryClient client;
    try {
      client = DiscoveryClient.builder().registry(registry).build();
    } catch (IllegalArgumentException e) {
      watchTimer.close();
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return 2;
    }
    Registrar registrar = Registrar.create(client);
    registrar.apply(initial);
    watcher.start(registrar::apply);
    // The client's own shutdown hook deregisters in parallel; this one stops the checks and threads, then closes the client.
    Shutdown.awaitThenClose("registrar", List.of(watcher, watchTimer, registrar, client));
    return 0;
  }
}
