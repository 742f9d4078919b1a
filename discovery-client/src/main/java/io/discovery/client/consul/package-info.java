/**
 * The Consul backend ({@code consul://} and {@code consul+https://}), over the local agent's HTTP API:
 * instances are agent services with a TTL check that the heartbeat passes, and views follow
 * health-filtered blocking queries. Use {@link io.discovery.client.consul.ConsulBackend#builder} for
 * ACL tokens, extra health checks ({@link io.discovery.client.consul.ConsulCheck}) or TLS beyond what
 * the URI carries.
 */
package io.discovery.client.consul;
