/**
 * Client-side picking over a {@link io.discovery.client.ServiceView}: a
 * {@link io.discovery.loadbalancer.LoadBalancer} chooses an instance per call by a
 * {@link io.discovery.loadbalancer.Policy} (round-robin, least-connection, peak-EWMA, consistent
 * hashing and more), with optional zone preference, slow start and outlier ejection through
 * per-instance circuit breakers. {@link io.discovery.loadbalancer.DiscoveryInterceptor} (OkHttp) and
 * {@link io.discovery.loadbalancer.DiscoveryHttpClient} (the JDK client) send requests for
 * {@code http://<service>/...} to picked instances and retry on another one within a
 * {@link io.discovery.loadbalancer.RetryBudget}.
 */
package io.discovery.loadbalancer;
