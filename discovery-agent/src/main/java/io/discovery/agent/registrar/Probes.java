package io.discovery.agent.registrar;

import io.discovery.agent.ChildProcess;
import io.discovery.agent.Durations;
import io.discovery.client.ServiceInstance;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * The real checks: an HTTP GET that passes on 2xx, a TCP connect, a script that passes on exit code 0
 * and is killed at its timeout. Each runs on the calling (check worker) thread and starts none of its
 * own: HTTP goes through {@link HttpURLConnection} with {@code Connection: close}, so no connection is
 * kept alive for a JDK timer thread to watch, and without a proxy, as a health check of a neighbour
 * should. (The JDK's {@code HttpClient} keeps a selector thread that Java 17 cannot stop.)
 */
public final class Probes implements CheckRunner {

  @Override
  public CheckResult check(EndpointConfig endpoint) {
    CheckConfig check = endpoint.check();
    return switch (check.kind()) {
      case HTTP -> http(check);
      case TCP -> tcp(endpoint.instance(), check.timeout());
      case SCRIPT -> script(check);
    };
  }

  private static CheckResult http(CheckConfig check) {
    int timeoutMs = (int) Math.max(1, Math.min(Integer.MAX_VALUE, check.timeout().toMillis()));
    HttpURLConnection connection = null;
    try {
      connection = (HttpURLConnection) check.httpUri().toURL().openConnection(Proxy.NO_PROXY);
      connection.setConnectTimeout(timeoutMs);
      connection.setReadTimeout(timeoutMs);
      connection.setInstanceFollowRedirects(false);
      connection.setUseCaches(false);
      connection.setRequestProperty("User-Agent", "discovery-agent registrar");
      connection.setRequestProperty("Connection", "close");
      int status = connection.getResponseCode();
      return status >= 200 && status < 300 ? CheckResult.pass("HTTP " + status)
          : CheckResult.fail("HTTP " + status + " from " + check.http());
    } catch (SocketTimeoutException e) {
      return CheckResult.fail("no answer from " + check.http() + " within " + Durations.format(check.timeout()));
    } catch (IOException | IllegalArgumentException e) {
      return CheckResult.fail(check.http() + ": " + describe(e));
    } finally {
      if (connection != null) {
        connection.disconnect();
      }
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
    return e instanceof java.net.ConnectException ? "connection refused" : e.getClass().getSimpleName();
  }
}
