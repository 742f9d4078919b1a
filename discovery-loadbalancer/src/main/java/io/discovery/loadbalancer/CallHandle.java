package io.discovery.loadbalancer;

import io.discovery.client.ServiceInstance;

/**
 * One call to a picked instance. Report its outcome with {@link #succeeded()} or {@link #failed},
 * which feed the instance's latency estimate and circuit breaker, and close it when the call ends;
 * it counts as in flight until then. A call closed without an outcome (the caller gave up) counts
 * neither way.
 *
 * <pre>{@code
 * try (CallHandle call = balancer.begin()) {
 *   try {
 *     Response response = send(call.instance());
 *     if (response.code() >= 500) {
 *       call.failed(new IOException("HTTP " + response.code()));
 *     } else {
 *       call.succeeded();
 *     }
 *   } catch (IOException e) {
 *     call.failed(e);
 *     throw e;
 *   }
 * }
 * }</pre>
 */
public interface CallHandle extends AutoCloseable {

  /**
   * The instance to call.
   *
   * @return the picked instance, the same on every call of this method
   */
  ServiceInstance instance();

  /** The call succeeded; its latency is measured from {@code begin()} to now. */
  void succeeded();

  /**
   * The call failed (a connect error, a timeout, a 5xx): counts against the instance's breaker.
   *
   * @param error what went wrong, for the breaker's record
   */
  void failed(Throwable error);

  /** Ends the call: it no longer counts as in flight. Later calls of close do nothing. */
  @Override
  void close();
}
