package io.discovery.examples;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A payments instance in a JVM of its own ({@code Demo service ...}), so that it can be killed for real. */
final class ServiceProcess implements AutoCloseable {
  private final Process process;
  private final String address;

  private ServiceProcess(Process process, String address) {
    this.process = process;
    this.address = address;
  }

  /** Starts the instance and waits until it says it is registered. */
  static ServiceProcess start(String service, String registry, Duration ttl, Duration timeout) throws Exception {
    Process process = new ProcessBuilder(
        new File(System.getProperty("java.home"), "bin/java").getPath(),
        "-cp", System.getProperty("java.class.path"),
        Demo.class.getName(), "service", service, "--port", "0", "--registry", registry,
        "--ttl", Long.toString(ttl.toSeconds()))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> registered = CompletableFuture.supplyAsync(() -> {
      try {
        for (String line; (line = out.readLine()) != null; ) {
          int at = line.indexOf(Roles.REGISTERED);
          if (at >= 0) {
            return line.substring(at + Roles.REGISTERED.length()).split(" ")[0];
          }
        }
        return null;
      } catch (IOException e) {
        return null;
      }
    });
    String address;
    try {
      address = registered.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      address = null;
    }
    if (address == null) {
      process.destroyForcibly();
      throw new IllegalStateException("a payments instance could not register in " + registry + " within " + timeout.toSeconds() + " s");
    }
    return new ServiceProcess(process, address);
  }

  String address() {
    return address;
  }

  /** SIGKILL: the process dies without running its shutdown hook, so it does not deregister. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM: the JVM runs its shutdown hooks, which deregister the instance. */
  void terminate() throws InterruptedException {
    process.destroy();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
