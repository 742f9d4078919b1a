package io.discovery.loadbalancer;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.ServiceInstance;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Objects;

/**
 * The JDK's {@link HttpClient} with service names as hosts: {@code http://payments/charge} goes to an
 * instance of "payments" picked by a {@link LoadBalancer}, with the same rules as
 * {@link DiscoveryInterceptor}: connect errors and failure statuses (5xx by default) count against
 * the instance; GET, HEAD, PUT, DELETE, OPTIONS and TRACE are retried on another instance while the
 * {@link RetryBudget} allows, other methods only when the connection was refused. A call counts as in
 * flight until {@link #send} returns, so a body handler that streams ({@code ofInputStream}) ends it
 * before the body is read; the streamed body of a failure status that is retried is closed. An
 * interrupted send is not held against the instance. A retry sends the request's body again, so a
 * body publisher that can be read only once ({@code BodyPublishers.fromPublisher}) needs
 * {@code maxAttempts(1)}.
 *
 * <pre>{@code
 * DiscoveryHttpClient http = DiscoveryHttpClient.builder(discovery, HttpClient.newHttpClient()).build();
 * HttpResponse<String> response = http.send(
 *     HttpRequest.newBuilder(URI.create("http://payments/charge")).build(), BodyHandlers.ofString());
 * }</pre>
 */
public final class DiscoveryHttpClient {
  private final HttpClient http;
  private final ServiceRouter router;

  private DiscoveryHttpClient(Builder b) {
    this.http = b.http;
    this.router = new ServiceRouter(b);
  }

  /**
   * A client that resolves service names through {@code discovery} and sends with {@code http}.
   *
   * @param discovery the client whose views resolve service names
   * @param http the JDK client that sends every request (its timeouts, TLS and proxy settings apply)
   * @return a builder with the defaults described on {@link RoutingOptions}
   */
  public static Builder builder(DiscoveryClient discovery, HttpClient http) {
    return new Builder(discovery, http);
  }

  /**
   * The JDK client that sends the requests.
   *
   * @return the client given to {@link #builder}, for requests that need no discovery
   */
  public HttpClient httpClient() {
    return http;
  }

  /**
   * The balancer used for {@code service}; created on first use, waiting up to the resolve timeout.
   *
   * @param service a service name
   * @return its balancer, shared by every request to it
   */
  public LoadBalancer balancer(String service) {
    return router.balancer(service);
  }

  /**
   * Sends {@code request}: to an instance of the service its host names, or unchanged when the host
   * is not a service name (see {@link RoutingOptions#routeHosts}).
   *
   * @param request the request; its URI's host is the service name
   * @param handler how to read the response body
   * @param <T> the body type
   * @return the response of the last attempt (a failure status included, once retries are spent)
   * @throws java.net.UnknownHostException when the registry has no instance of that service
   * @throws IOException when the last attempt failed to send or the service has no instance to call now
   * @throws InterruptedException when interrupted while waiting for the response
   */
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    URI uri = request.uri();
    String service = uri.getHost();
    if (!router.routes(service)) {
      return http.send(request, handler);
    }
    LoadBalancer lb = router.resolve(service);
    boolean idempotent = ServiceRouter.idempotent(request.method());
    router.onRequest();
    ServiceInstance previous = null;
    for (int attempt = 1; ; attempt++) {
      CallHandle call = router.begin(lb, previous, service);
      ServiceInstance instance = call.instance();
      HttpResponse<T> response;
      try {
        HttpRequest routed = HttpRequest.newBuilder(request, (name, value) -> true).uri(routedUri(uri, instance)).build();
        response = http.send(routed, handler);
      } catch (IOException e) {
        call.failed(e);
        call.close();
        if (router.retry(attempt, idempotent || ServiceRouter.nothingSent(e))) {
          previous = instance;
          continue;
        }
        throw e;
      } catch (InterruptedException | RuntimeException e) {
        call.close(); // interrupted: the caller gave up, not the instance's failure
        throw e;
      }
      if (router.isFailure(response.statusCode())) {
        call.failed(new ServiceRouter.FailureStatus(response.statusCode(), instance));
        call.close();
        if (router.retry(attempt, idempotent)) {
          discard(response);
          previous = instance;
          continue;
        }
        return response;
      }
      call.succeeded();
      call.close();
      return response;
    }
  }

  /** Releases the connection behind a response that is not handed out: a streaming body is closed. */
  private static void discard(HttpResponse<?> response) throws IOException {
    if (response.body() instanceof AutoCloseable body) {
      try {
        body.close();
      } catch (IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException(e);
      }
    }
  }

  /** {@code uri} with the instance's scheme, host and port, its path, query and fragment as they were. */
  private static URI routedUri(URI uri, ServiceInstance instance) {
    StringBuilder b = new StringBuilder(instance.secure() ? "https" : "http").append("://").append(instance.hostPort());
    if (uri.getRawPath() != null) {
      b.append(uri.getRawPath());
    }
    if (uri.getRawQuery() != null) {
      b.append('?').append(uri.getRawQuery());
    }
    if (uri.getRawFragment() != null) {
      b.append('#').append(uri.getRawFragment());
    }
    try {
      return new URI(b.toString());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("cannot route " + uri + " to " + instance.hostPort() + ": " + e.getMessage(), e);
    }
  }

  /** Settings of a {@link DiscoveryHttpClient}; see {@link RoutingOptions} for each and its default. */
  public static final class Builder extends RoutingOptions<Builder> {
    private final HttpClient http;

    private Builder(DiscoveryClient discovery, HttpClient http) {
      super(discovery);
      this.http = Objects.requireNonNull(http, "http");
    }

    /**
     * The client.
     *
     * @return a client with these settings; thread-safe, to share
     */
    public DiscoveryHttpClient build() {
      return new DiscoveryHttpClient(this);
    }
  }
}
