package io.discovery.client.consul;

/**
 * A health check that Consul reports critical ({@code /v1/health/state/critical}).
 *
 * @param node        the node the check runs on
 * @param checkId     the check's id, e.g. {@code service:payments-10.1.2.3-8888}
 * @param name        the check's name
 * @param output      what the check last said (a TTL check: "TTL expired")
 * @param serviceId   the instance id, or empty for a node check
 * @param serviceName the service, or empty for a node check
 */
public record CriticalCheck(String node, String checkId, String name, String output, String serviceId, String serviceName) {
}
