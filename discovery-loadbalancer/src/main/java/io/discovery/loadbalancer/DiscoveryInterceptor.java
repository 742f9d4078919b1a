package io.discovery.loadbalancer;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.ServiceInstance;
import java.io.IOException;
import java.util.Set;
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

  /** Tag a request with {@code Idempotent.INSTANCE} to let it be retried whatever its method. */
  public enum Idempotent {
    /** The tag. */
    INSTANCE
  }

  private final ServiceRouter router;

  private DiscoveryInterceptor(Builder b) {
    this.router = new ServiceRouter(b);
  }

  /**
   * An interceptor resolving services through {@code discovery}.
   *
   * @param discovery the client whose views resolve service names
   * @return a builder with the defaults described on {@link RoutingOptions}
   */
  public static Builder builder(DiscoveryClient discovery) {
    return new Builder(discovery);
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

  /** The services this interceptor holds balancers for; for tests. */
  Set<String> services() {
    return router.services();
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    HttpUrl url = request.url();
    if (!router.routes(url.host())) {
      return chain.proceed(request);
    }
    LoadBalancer lb = router.resolve(url.host());
    boolean oneShot = request.body() != null && request.body().isOneShot();
    boolean idempotent = !oneShot && (ServiceRouter.idempotent(request.method()) || request.tag(Idempotent.class) != null);
    router.onRequest();
    ServiceInstance previous = null;
    for (int attempt = 1; ; attempt++) {
      CallHandle call = router.begin(lb, previous, url.host());
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
        if (router.retry(attempt, !oneShot && (idempotent || ServiceRouter.nothingSent(e)))) {
          previous = instance;
          continue;
        }
        throw e;
      } catch (RuntimeException e) {
        call.close();
        throw e;
      }
      if (router.isFailure(response.code())) {
        call.failed(new ServiceRouter.FailureStatus(response.code(), instance));
        if (router.retry(attempt, idempotent)) {
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

  /** Settings of a {@link DiscoveryInterceptor}; see {@link RoutingOptions} for each and its default. */
  public static final class Builder extends RoutingOptions<Builder> {
    private Builder(DiscoveryClient discovery) {
      super(discovery);
    }

    /**
     * The interceptor.
     *
     * @return an interceptor with these settings, to add to any number of OkHttp clients
     */
    public DiscoveryInterceptor build() {
      return new DiscoveryInterceptor(this);
    }
  }
}
