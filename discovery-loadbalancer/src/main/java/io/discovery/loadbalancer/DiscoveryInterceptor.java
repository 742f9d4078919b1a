package io.discovery.loadbalancer;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.NoInstancesException;
import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import io.discovery.client.Snapshot;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;

/**
 * Sends a request for {@code http://payments/charge} to an instance of "payments" picked by a
 * {@link LoadBalancer} (https when the instance is secure), and reports the outcome to it: connect
 * errors and failure statuses (5xx by default) count against the instance. Idempotent requests
 * (GET, HEAD, PUT, DELETE, OPTIONS, or tagged {@link Idempotent}) are retried on another instance
 * while the {@link RetryBudget} allows; other requests only when the connection was refused, so no
 * byte of theirs reached a server; a one-shot body never. A request counts as in flight until its
 * response body is closed. A call the caller cancels is not held against the instance.
 *
 * <p>The first request to a service starts its view and waits for the registry up to
 * {@link Builder#resolveTimeout} (default 5 s; no wait once the client knows the registry is down).
 * A host the registry answers has no instances is not kept: its view is dropped again, so names
 * that are not services do not each hold a watch.
 *
 * <pre>{@code
 * OkHttpClient http = new OkHttpClient.Builder()
 *     .addInterceptor(DiscoveryInterceptor.builder(discovery).build())
 *     .build();
 * http.newCall(new Request.Builder().url("http://payments/charge").build()).execute();
 * }</pre>
 */
public final class DiscoveryInterceptor implements Interceptor {
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE");

  /** Tag a request with {@code Idempotent.INSTANCE} to let it be retried whatever its method. */
  public enum Idempotent {
    INSTANCE
  }

  /** A response whose status counts as a failure of the instance. */
  static final class FailureStatus extends IOException {
    private static final long serialVersionUID = 1L;

    FailureStatus(int code, ServiceInstance instance) {
      super("HTTP " + code + " from " + instance.hostPort());
    }
  }

  private final DiscoveryClient discovery;
  private final Duration resolveTimeout;
  private final Function<ServiceView, LoadBalancer> balancerFactory;
  private final Predicate<String> routes;
  private final IntPredicate failure;
  private final RetryBudget budget;
  private final int maxAttempts;
  private final Map<String, LoadBalancer> balancers = new ConcurrentHashMap<>();

  private DiscoveryInterceptor(Builder b) {
    this.discovery = b.discovery;
    this.resolveTimeout = b.resolveTimeout;
    this.balancerFactory = b.balancerFactory;
    this.routes = b.routes;
    this.failure = b.failure;
    this.budget = b.budget;
    this.maxAttempts = b.maxAttempts;
  }

  /** An interceptor resolving services through {@code discovery}. */
  public static Builder builder(DiscoveryClient discovery) {
    return new Builder(Objects.requireNonNull(discovery, "discovery"));
  }

  /** The balancer used for {@code service}; created on first use, waiting up to the resolve timeout. */
  public LoadBalancer balancer(String service) {
    return balancers.computeIfAbsent(service, s -> balancerFactory.apply(discovery.lookup(s, resolveTimeout)));
  }

  /** The services this interceptor holds balancers for; for tests. */
  Set<String> services() {
    return Set.copyOf(balancers.keySet());
  }

  /**
   * Drops the balancer of {@code service} and, when nothing else uses it, its view: the registry
   * answered it has no instances, so it may not be a service at all.
   */
  private void forget(String service, LoadBalancer lb) {
    if (balancers.remove(service, lb) && lb instanceof DefaultLoadBalancer d) {
      d.close();
    }
    discovery.forgetIfUnused(service);
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    HttpUrl url = request.url();
    if (!routes.test(url.host())) {
      return chain.proceed(request);
    }
    LoadBalancer lb;
    try {
      lb = balancer(url.host());
    } catch (IllegalArgumentException notAServiceName) {
      throw new UnknownHostException("'" + url.host() + "' cannot be a service: " + notAServiceName.getMessage());
    }
    boolean oneShot = request.body() != null && request.body().isOneShot();
    boolean idempotent = !oneShot && (IDEMPOTENT.contains(request.method()) || request.tag(Idempotent.class) != null);
    budget.onRequest();
    ServiceInstance previous = null;
    for (int attempt = 1; ; attempt++) {
      CallHandle call = begin(lb, previous, url.host());
      ServiceInstance instance = call.instance();
      Request routed = request.newBuilder().url(url.newBuilder()
          .scheme(instance.secure() ? "https" : "http").host(instance.host()).port(instance.port()).build()).build();
      Response response;
      try {
        response = chain.proceed(routed);
      } catch (IOException e) {
        if (chain.call().isCanceled()) {
          call.close(); // the caller gave up: not the instance's failure, and nothing to retry
          throw e;
        }
        call.failed(e);
        call.close();
        boolean nothingSent = e instanceof ConnectException || e instanceof NoRouteToHostException;
        if (attempt < maxAttempts && !oneShot && (idempotent || nothingSent) && budget.tryRetry()) {
          previous = instance;
          continue;
        }
        throw e;
      } catch (RuntimeException e) {
        call.close();
        throw e;
      }
      if (failure.test(response.code())) {
        call.failed(new FailureStatus(response.code(), instance));
        if (attempt < maxAttempts && idempotent && budget.tryRetry()) {
          response.close();
          call.close();
          previous = instance;
          continue;
        }
      } else {
        call.succeeded();
      }
      return closingWith(response, call);
    }
  }

  /** A call to an instance other than {@code avoid} when one can be had in a few picks. */
  private CallHandle begin(LoadBalancer lb, ServiceInstance avoid, String service) throws IOException {
    try {
      CallHandle call = lb.begin();
      for (int i = 0; i < 3 && avoid != null && call.instance().equals(avoid); i++) {
        call.close();
        call = lb.begin();
      }
      return call;
    } catch (NoInstancesException e) {
      Snapshot snapshot = lb.view().snapshot();
      if (snapshot.loaded() && !snapshot.stale()) {
        forget(service, lb);
        throw new UnknownHostException("'" + service + "' is not a service with instances in the registry: " + e.getMessage());
      }
      throw new IOException(e.getMessage() + (snapshot.loaded() ? "" : " (the first request to a service waits up to "
          + resolveTimeout + " for the registry; see DiscoveryInterceptor.Builder.resolveTimeout)"), e);
    }
  }

  /** The response, its body closing {@code call} when it is closed or fully read. */
  private static Response closingWith(Response response, CallHandle call) {
    ResponseBody body = response.body();
    if (body == null) {
      call.close();
      return response;
    }
    BufferedSource source = Okio.buffer(new ForwardingSource(body.source()) {
      @Override
      public long read(Buffer sink, long byteCount) throws IOException {
        long read = super.read(sink, byteCount);
        if (read == -1) {
          call.close();
        }
        return read;
      }

      @Override
      public void close() throws IOException {
        call.close();
        super.close();
      }
    });
    MediaType type = body.contentType();
    long length = body.contentLength();
    return response.newBuilder().body(ResponseBody.create(source, type, length)).build();
  }

  /** Settings of a {@link DiscoveryInterceptor}. */
  public static final class Builder {
    private final DiscoveryClient discovery;
    private Duration resolveTimeout = Duration.ofSeconds(5);
    private Function<ServiceView, LoadBalancer> balancerFactory =
        view -> LoadBalancer.builder(view).policy(Policy.leastConnection()).outlierEjection().build();
    private Predicate<String> routes = host -> host.indexOf('.') < 0 && host.indexOf(':') < 0 && !host.equals("localhost");
    private IntPredicate failure = code -> code >= 500;
    private RetryBudget budget = RetryBudget.defaults();
    private int maxAttempts = 3;

    private Builder(DiscoveryClient discovery) {
      this.discovery = discovery;
    }

    /**
     * How long the first request to a service waits for the registry to answer about it (default
     * 5 s); {@code Duration.ZERO} fails such a request at once while the view loads. The client
     * skips the wait altogether once it knows the registry is unreachable.
     */
    public Builder resolveTimeout(Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("invalid resolve timeout " + timeout + ": expected zero or more");
      }
      this.resolveTimeout = timeout;
      return this;
    }

    /** How to make the balancer of a service (default: least-connection with outlier ejection). */
    public Builder balancer(Function<ServiceView, LoadBalancer> factory) {
      this.balancerFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /** Which hosts are service names (default: names without a dot, except localhost). */
    public Builder routeHosts(Predicate<String> routes) {
      this.routes = Objects.requireNonNull(routes, "routes");
      return this;
    }

    /** Which statuses count as the instance failing (default: 5xx). */
    public Builder failureStatuses(IntPredicate failure) {
      this.failure = Objects.requireNonNull(failure, "failure");
      return this;
    }

    /** The budget retries draw from (default: {@link RetryBudget#defaults()}). */
    public Builder retryBudget(RetryBudget budget) {
      this.budget = Objects.requireNonNull(budget, "budget");
      return this;
    }

    /** Attempts per request, the first included (default 3). */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("invalid attempt count " + attempts + ": expected 1 or more");
      }
      this.maxAttempts = attempts;
      return this;
    }

    public DiscoveryInterceptor build() {
      return new DiscoveryInterceptor(this);
    }
  }
}
