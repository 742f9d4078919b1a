package io.discovery.agent.render;

import com.github.mustachejava.Mustache;
import io.discovery.agent.Shutdown;
import io.discovery.client.DiscoveryClient;
import io.discovery.client.ServiceView;
import io.discovery.client.time.Scheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code render --service NAME... --template FILE --out FILE [--exec CMD]}: keeps a config file in step with the registry. */
@Command(name = "render",
    mixinStandardHelpOptions = true,
    description = {
        "Keeps a file rendered from a Mustache template in step with the instances of some services.",
        "Runs a command after each write (e.g. nginx -s reload); if it fails, the previous file is put back.",
        "The template sees services.<name>: the instances, each with host, port, hostPort, id, zone, weight,"
            + " secure and metadata."})
public final class RenderCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--registry", paramLabel = "URI",
      description = "etcd://..., zookeeper://..., consul://..., dns+srv://..., memory: (default: $DISCOVERY_REGISTRY)")
  String registry;

  @Option(names = "--service", paramLabel = "NAME", required = true,
      description = "a service the template uses (repeat for more); in the template as services.<name>, in lower case")
  List<String> services = new ArrayList<>();

  @Option(names = "--template", paramLabel = "FILE", required = true, description = "the Mustache template")
  Path template;

  @Option(names = "--out", paramLabel = "FILE", required = true, description = "the file to write (atomically, only when it changes)")
  Path out;

  @Option(names = "--exec", paramLabel = "COMMAND",
      description = "run with sh -c after each write; if it fails, the previous file is put back")
  String exec;

  @Option(names = "--exec-timeout", paramLabel = "DURATION", defaultValue = "10s",
      description = "how long the command may run before it is killed and counted as failed (default: ${DEFAULT-VALUE})")
  Duration execTimeout;

  @Option(names = "--debounce", paramLabel = "DURATION", defaultValue = "200ms",
      description = "wait this long after a change, so that a burst of changes gives one write (default: ${DEFAULT-VALUE})")
  Duration debounce;

  @Option(names = "--allow-empty", description = "render a service that has no instances (by default the write is skipped)")
  boolean allowEmpty;

  @Option(names = "--once", description = "render once and exit: 0 when the file holds the registry's current data, "
      + "1 when stale or empty data kept it from being written or the command failed (for a boot sequence, before nginx starts)")
  boolean once;

  @Override
  public Integer call() {
    Mustache mustache;
    Renderer.Options options;
    try {
      mustache = Templates.compile(template);
      Path dir = out.toAbsolutePath().getParent();
      if (dir == null || !Files.isDirectory(dir)) {
        throw new IllegalArgumentException("the directory of --out " + out + " does not exist");
      }
      options = new Renderer.Options(out, debounce, exec, execTimeout, allowEmpty);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return 2;
    }
    DiscoveryClient client;
    try {
      // Nothing to deregister: the command's own shutdown hook closes the client.
      client = DiscoveryClient.builder().registry(registry).withoutShutdownHook().build();
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return 2;
    }
    List<ServiceView> views = new ArrayList<>();
    try {
      for (String service : services) {
        views.add(client.service(service));
      }
    } catch (IllegalArgumentException e) {
      client.close();
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return 2;
    }
    Scheduler renderThread = Scheduler.threads("render", 1);
    Renderer renderer = new Renderer(views, mustache, options, renderThread);
    if (once) {
      boolean current = renderer.renderOnce();
      Shutdown.closeAll(List.of(renderer, renderThread, client));
      return current ? 0 : 1;
    }
    renderer.start();
    Shutdown.awaitThenClose("render", List.of(renderer, renderThread, client));
    return 0;
  }
}
