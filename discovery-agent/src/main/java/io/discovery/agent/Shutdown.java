package io.discovery.agent;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How a long-running command ends: on SIGTERM or Ctrl-C its resources are closed in order, then the JVM exits. */
public final class Shutdown {
  private static final Logger log = LoggerFactory.getLogger(Shutdown.class);

  private Shutdown() {
  }

  /**
   * Blocks the calling thread until the JVM shuts down; a shutdown hook named {@code name} closes
   * {@code resources} in the order given. Each {@code close()} is bounded by its owner.
   */
  public static void awaitThenClose(String name, List<AutoCloseable> resources) {
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      closeAll(resources);
      closed.countDown();
    }, name + "-shutdown"));
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeAll(resources);
    }
  }

  /** Closes {@code resources} in order, logging (not throwing) what a close throws. */
  public static void closeAll(List<AutoCloseable> resources) {
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        log.warn("closing {}: {}", resource, e.toString());
      }
    }
  }
}
