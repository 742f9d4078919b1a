/**
 * A read-only backend ({@code dns+srv://}) that resolves services from DNS SRV records, such as
 * Consul's DNS interface or a Kubernetes headless service. It cannot register instances or list
 * services; as DNS pushes nothing, a view asks again when the records' TTL runs out (within bounds).
 */
package io.discovery.client.dns;
