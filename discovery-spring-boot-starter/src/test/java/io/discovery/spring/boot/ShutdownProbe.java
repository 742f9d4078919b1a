package io.discovery.spring.boot;

import java.util.concurrent.Callable;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;

/**
 * Runs a test's check while the context closes, in the phase just above the web server's graceful
 * shutdown: after every lifecycle of a higher phase (the registrar's) stopped, before the web server
 * stops taking requests.
 */
final class ShutdownProbe implements SmartLifecycle {
  private volatile boolean running;
  private volatile Callable<String> check = () -> "no check set";
  private volatile String result;

  void onStop(Callable<String> check) {
    this.check = check;
  }

  /** What the check returned, or the exception it threw; null until the context closed. */
  String result() {
    return result;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    try {
      result = check.call();
    } catch (Exception | AssertionError e) {
      result = e.toString();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE + 1;
  }
}
