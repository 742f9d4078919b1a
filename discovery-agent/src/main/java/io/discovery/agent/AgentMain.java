package io.discovery.agent;

import io.discovery.agent.console.ConsoleCommand;
import io.discovery.agent.registrar.RegistrarCommand;
import io.discovery.agent.render.RenderCommand;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar discovery-agent.jar <command>}: the agent's commands, one per job. Each command is
 * a class of its own package, listed here.
 */
@Command(name = "discovery-agent",
    mixinStandardHelpOptions = true,
    versionProvider = AgentMain.Version.class,
    description = "Service discovery for processes that cannot embed the library.",
    subcommands = {
        RegistrarCommand.class,
        RenderCommand.class,
        ConsoleCommand.class,
        CommandLine.HelpCommand.class
    })
public final class AgentMain implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with the agent's converters (durations such as 200ms, 2s). */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new AgentMain());
    commandLine.registerConverter(Duration.class, text -> {
      try {
        return Durations.parse(text);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    });
    return commandLine;
  }

  /** Without a command: the usage, and exit code 2. */
  @Override
  public Integer call() {
    spec.commandLine().usage(System.err);
    return 2;
  }

  /** The jar's version from its manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = AgentMain.class.getPackage().getImplementationVersion();
      return new String[] {"discovery-agent " + (version != null ? version : "(development build)")};
    }
  }
}
