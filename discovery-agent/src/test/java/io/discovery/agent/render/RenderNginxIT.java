package io.discovery.agent.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.github.mustachejava.Mustache;
import com.sun.net.httpserver.HttpServer;
import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import io.discovery.client.etcd.EtcdServer;
import io.discovery.client.time.Scheduler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-side discovery end to end: three backends registered in a real etcd, the renderer keeping
 * a real nginx's upstream in step (render, then {@code nginx -t && nginx -s reload}), and a client
 * sending requests through nginx while one backend is deregistered gracefully.
 */
class RenderNginxIT {
  private static final Logger log = LoggerFactory.getLogger(RenderNginxIT.class);
  private static final Path NGINX = Path.of("/usr/sbin/nginx");
  private static final String SERVICE = "web";
  private static final String UPSTREAM = """
      upstream web {
      {{#services.web}}    server {{hostPort}} weight={{weight}};
      {{/services.web}}}
      """;

  @TempDir
  Path dir;

  @Test
  void nginxStopsRoutingToADeregisteredBackendWithoutOneFailedRequest() throws Exception {
    String nginx = nginx();
    List<Backend> backends = new ArrayList<>();
    try (EtcdServer etcd = EtcdServer.start();
         DiscoveryClient services = DiscoveryClient.builder().registry(etcd.uri()).withoutShutdownHook().build();
         DiscoveryClient agent = DiscoveryClient.builder().registry(etcd.uri()).withoutShutdownHook().build();
         Scheduler renderThread = Scheduler.threads("render-it", 1)) {
      List<Registration> registrations = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        Backend backend = Backend.start("backend-" + i);
        backends.add(backend);
        registrations.add(services.register(ServiceInstance.of(SERVICE, backend.hostPort())));
      }
      ServiceView view = agent.service(SERVICE);
      await("3 instances in the view").atMost(Duration.ofSeconds(10)).until(() -> view.instances().size() == 3);

      Path upstream = dir.resolve("upstream.conf");
      Path conf = dir.resolve("nginx.conf");
      int port = freePort();
      Files.writeString(conf, nginxConf(port, upstream));
      Mustache template = Templates.compile(UPSTREAM, "upstream");
      // At boot: render once, without a reload, before nginx starts (as a machine's boot sequence would).
      try (Renderer boot = new Renderer(List.of(view), template,
          new Renderer.Options(upstream, Duration.ZERO, null, Duration.ofSeconds(10), false), renderThread)) {
        boot.start();
        await("first render").atMost(Duration.ofSeconds(10)).until(() -> servers(upstream) == 3);
      }
      Process master = startNginx(nginx, conf);
      try {
        Traffic traffic = new Traffic(port);
        await("nginx answers").atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> traffic.once() != null);
        String pid = "pid " + dir.resolve("nginx.pid") + ";";
        String prefix = nginx + " -p " + dir + " -c " + conf + " -g '" + pid + "'";
        Renderer renderer = new Renderer(List.of(view), template, new Renderer.Options(upstream, Duration.ofMillis(200),
            prefix + " -t -q && " + prefix + " -s reload", Duration.ofSeconds(10), false), renderThread);
        renderer.start();

        traffic.start();
        await("every backend gets requests").atMost(Duration.ofSeconds(10))
            .until(() -> backends.stream().allMatch(b -> b.requests.get() > 10));
        Backend leaving = backends.get(1);
        long deregisteredAt = System.nanoTime();
        registrations.get(1).close(); // graceful: the backend itself stays up and keeps answering
        await("upstream file rewritten").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
            .until(() -> servers(upstream) == 2);
        long renderedAt = System.nanoTime();
        await("nginx stops routing to " + leaving.name).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
            .until(() -> System.nanoTime() - leaving.lastRequest.get() > TimeUnit.SECONDS.toNanos(1)
                && backends.get(0).lastRequest.get() > leaving.lastRequest.get()
                && backends.get(2).lastRequest.get() > leaving.lastRequest.get());
        int leavingCount = leaving.requests.get();
        int sentSoFar = traffic.sent.get();
        await("traffic goes on").atMost(Duration.ofSeconds(10)).until(() -> traffic.sent.get() > sentSoFar + 100);
        traffic.stop();
        renderer.close();

        long convergenceMs = TimeUnit.NANOSECONDS.toMillis(Math.max(0, leaving.lastRequest.get() - deregisteredAt));
        long renderMs = TimeUnit.NANOSECONDS.toMillis(renderedAt - deregisteredAt);
        String report = String.format("nginx convergence: deregistration -> last request seen by %s: %d ms "
                + "(upstream file rewritten after about %d ms, debounce 200 ms); %d requests through nginx, %d failed; "
                + "per backend %s", leaving.name, convergenceMs, renderMs, traffic.sent.get(), traffic.failures.get(),
            counts(backends));
        log.info(report);
        System.out.println(report);
        assertThat(traffic.failures.get()).as("failed requests (first: %s)", traffic.firstFailure).isZero();
        assertThat(traffic.sent.get()).isGreaterThan(100);
        assertThat(leaving.requests.get()).as("no request reached the deregistered backend after it converged")
            .isEqualTo(leavingCount);
        assertThat(Files.readString(upstream)).doesNotContain(leaving.hostPort());
        assertThat(convergenceMs).isLessThan(10_000);
      } finally {
        stop(master);
      }
    } finally {
      backends.forEach(Backend::close);
    }
  }

  /** /usr/sbin/nginx, or a failure that says how to get it: this test is never skipped. */
  private static String nginx() {
    if (Files.isExecutable(NGINX)) {
      return NGINX.toString();
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(NGINX + " is missing on CI: the CI job must install Debian's nginx package (./scripts/test.sh does)");
    }
    return fail(NGINX + " is missing: run ./scripts/test.sh, which installs Debian's nginx package, "
        + "or apt-get install nginx");
  }

  private String nginxConf(int port, Path upstream) {
    return """
        worker_processes 1;
        error_log %1$s/error.log notice;
        events { worker_connections 256; }
        http {
            access_log %1$s/access.log;
            client_body_temp_path %1$s/client_body;
            proxy_temp_path %1$s/proxy;
            fastcgi_temp_path %1$s/fastcgi;
            uwsgi_temp_path %1$s/uwsgi;
            scgi_temp_path %1$s/scgi;
            include %2$s;
            server {
                listen 127.0.0.1:%3$d;
                location / {
                    proxy_pass http://web;
                    proxy_connect_timeout 2s;
                }
            }
        }
        """.formatted(dir, upstream, port);
  }

  private Process startNginx(String nginx, Path conf) throws IOException {
    String globals = "daemon off; pid " + dir.resolve("nginx.pid") + ";";
    return new ProcessBuilder(nginx, "-e", dir.resolve("error.log").toString(), "-p", dir.toString(), "-c", conf.toString(),
        "-g", globals)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("nginx.out").toFile())
        .start();
  }

  private void stop(Process master) throws InterruptedException, IOException {
    master.destroy(); // SIGTERM: nginx's fast shutdown, workers included
    if (!master.waitFor(10, TimeUnit.SECONDS)) {
      master.descendants().forEach(ProcessHandle::destroyForcibly);
      master.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    Path errors = dir.resolve("error.log");
    if (Files.exists(errors)) {
      log.info("nginx error.log:\n{}", Files.readString(errors));
    }
  }

  private static long servers(Path upstream) throws IOException {
    return Files.exists(upstream) ? Files.readAllLines(upstream).stream().filter(l -> l.contains("server ")).count() : 0;
  }

  private static String counts(List<Backend> backends) {
    Map<String, Integer> counts = new java.util.TreeMap<>();
    backends.forEach(b -> counts.put(b.name, b.requests.get()));
    return counts.toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** A backend on loopback that answers its own name and counts requests. */
  private static final class Backend implements AutoCloseable {
    final String name;
    final HttpServer server;
    final AtomicInteger requests = new AtomicInteger();
    final AtomicLong lastRequest = new AtomicLong();

    private Backend(String name, HttpServer server) {
      this.name = name;
      this.server = server;
    }

    static Backend start(String name) throws IOException {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
      Backend backend = new Backend(name, server);
      byte[] body = name.getBytes(StandardCharsets.UTF_8);
      server.createContext("/", exchange -> {
        backend.requests.incrementAndGet();
        backend.lastRequest.set(System.nanoTime());
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      server.start();
      return backend;
    }

    String hostPort() {
      return "127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /**
   * A client sending one request every 2 ms through nginx, each on a new connection (HTTP/1.0, no
   * keep-alive), counting failures: any status but 200 or a body that is not a backend's name.
   */
  private static final class Traffic {
    final int port;
    final AtomicInteger sent = new AtomicInteger();
    final AtomicInteger failures = new AtomicInteger();
    volatile String firstFailure;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "nginx-it-traffic");
      t.setDaemon(true);
      return t;
    });

    Traffic(int port) {
      this.port = port;
    }

    void start() {
      thread.scheduleWithFixedDelay(this::request, 0, 2, TimeUnit.MILLISECONDS);
    }

    void stop() throws InterruptedException {
      thread.shutdown();
      thread.awaitTermination(10, TimeUnit.SECONDS);
    }

    private void request() {
      sent.incrementAndGet();
      String body = null;
      String problem;
      try {
        body = once();
        problem = body == null ? "not a 200" : body.startsWith("backend-") ? null : "unexpected body '" + body + "'";
      } catch (IOException e) {
        problem = e.toString();
      }
      if (problem != null && failures.incrementAndGet() == 1) {
        firstFailure = problem;
      }
    }

    /** One GET; the body of a 200, else null. */
    String once() throws IOException {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        socket.setSoTimeout(5000);
        OutputStream out = socket.getOutputStream();
        out.write("GET / HTTP/1.0\r\nHost: web\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (!response.startsWith("HTTP/1.1 200") && !response.startsWith("HTTP/1.0 200")) {
          return null;
        }
        int bodyStart = response.indexOf("\r\n\r\n");
        return bodyStart < 0 ? null : response.substring(bodyStart + 4);
      }
    }
  }
}
