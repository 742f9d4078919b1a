package io.discovery.agent.registrar;

import io.discovery.agent.ChildProcess;
import io.discovery.agent.Durations;
import io.discovery.client.ServiceInstance;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real checks: an HTTP GET that passes on 2xx, a TCP connect, a script that passes on exit code 0
 * and is killed at its timeout. HTTP goes through one JDK {@link HttpClient} whose executor this
 * owns (two named daemon threads, stopped by {@link #close()}); the JDK adds one selector thread per
 * client, which ends with it.
 */
public final class Probes implements CheckRunner, AutoCloseable {
  private final ExecutorService httpExecutor;
  private final HttpClient http;

  /** Probes with their own HTTP client. */
  public Probes() {
    AtomicInteger n = new AtomicInteger();
    httpExecutor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "registrar-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    http = HttpClient.newBuilder()
        .executor(httpExecutor)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  @Override
  public CheckResult check(EndpointConfig endpoint) {
    CheckConfig check = endpoint.check();
    return switch (check.kind()) {
      case HTTP -> http(check);
      case TCP -> tcp(endpoint.instance(), check.timeout());
      case SCRIPT -> script(check);
    };
  }

  private CheckResult http(CheckConfig check) {
    HttpRequest request = HttpRequest.newBuilder(check.httpUri())
        .timeout(check.timeout())
        .header("User-Agent", "discovery-agent registrar")
        .GET()
        .build();
    CompletableFuture<HttpResponse<Void>> response = http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
    try {
      int status = response.get(check.timeout().toNanos(), TimeUnit.NANOSECONDS).statusCode();
      return status >= 200 && status < 300 ? CheckResult.pass("HTTP " + status)
          : CheckResult.fail("HTTP " + status + " from " + check.http());
    } catch (TimeoutException e) {
      response.cancel(true);
      return CheckResult.fail("no answer from " + check.http() + " within " + Durations.format(check.timeout()));
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return CheckResult.fail(check.http() + ": " + describe(cause));
    } catch (InterruptedException e) {
      response.cancel(true);
      Thread.currentThread().interrupt();
      return CheckResult.fail("interrupted");
    }
  }

  private static CheckResult tcp(ServiceInstance instance, Duration timeout) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(instance.host(), instance.port()), (int) Math.max(1, timeout.toMillis()));
      return CheckResult.pass("connected");
    } catch (SocketTimeoutException e) {
      return CheckResult.fail("no connection to " + instance.hostPort() + " within " + Durations.format(timeout));
    } catch (IOException e) {
      return CheckResult.fail(instance.hostPort() + ": " + describe(e));
    }
  }

  private static CheckResult script(CheckConfig check) {
    ChildProcess.Result result = ChildProcess.run(check.script(), check.timeout());
    String output = result.output().isEmpty() ? "" : ": " + firstLine(result.output());
    return result.succeeded() ? CheckResult.pass("exit 0")
        : CheckResult.fail(result.describe(check.timeout()) + output);
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl) + " ...";
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    if (message != null && !message.isBlank()) {
      return message;
    }
    // The JDK's HTTP client reports a refused connection without a message.
    return e instanceof java.net.ConnectException ? "connection refused" : e.getClass().getSimpleName();
  }

  /** Stops the HTTP client's threads. */
  @Override
  public void close() {
    httpExecutor.shutdownNow();
  }
}
