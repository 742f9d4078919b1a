/**
 * The client API: {@link io.discovery.client.DiscoveryClient} registers this process's instances in a
 * registry (kept alive by a background heartbeat, removed by a shutdown hook) and serves each other
 * service as a {@link io.discovery.client.ServiceView}, a cached list the registry pushes changes into
 * and that stays in use, marked stale, while the registry is unreachable. The registry is named by a
 * URI ({@code etcd://}, {@code consul://}, {@code zookeeper://}, {@code dns+srv://}, {@code memory:});
 * the backends live in the subpackages and in other modules.
 */
package io.discovery.client;
