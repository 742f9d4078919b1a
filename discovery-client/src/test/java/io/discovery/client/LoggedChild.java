package io.discovery.client;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a main class of the test classpath in a child JVM that logs everything at TRACE, and returns all it printed. */
public final class LoggedChild {
  private LoggedChild() {
  }

  public static String run(Class<?> main, String... args) throws IOException, InterruptedException {
    return run("trace", main, args);
  }

  /** Runs {@code main} with every logger at {@code level} ("info": what an application's default configuration shows). */
  public static String run(String level, Class<?> main, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(new File(System.getProperty("java.home"), "bin/java").getPath(),
        // system properties win over the test's simplelogger.properties, logger by logger
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=" + level, "-Dorg.slf4j.simpleLogger.log.io.discovery=" + level,
        "-Dorg.slf4j.simpleLogger.log.org.apache.zookeeper=" + level, "-Dorg.slf4j.simpleLogger.log.org.apache.curator=" + level,
        "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = child.getInputStream().readAllBytes();
    if (!child.waitFor(30, TimeUnit.SECONDS)) {
      child.destroyForcibly();
      throw new IllegalStateException(main.getSimpleName() + " did not end");
    }
    String text = new String(output, StandardCharsets.UTF_8);
    if (child.exitValue() != 0) {
      throw new IllegalStateException(main.getSimpleName() + " failed with exit code " + child.exitValue() + ":\n" + text);
    }
    return text;
  }
}
