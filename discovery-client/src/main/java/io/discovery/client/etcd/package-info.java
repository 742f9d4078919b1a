/**
 * The etcd v3 backend ({@code etcd://} and {@code etcd+https://}, etcd 3.4 and later), over etcd's
 * JSON gateway: an instance is a key under the prefix holding its JSON, attached to a lease that the
 * heartbeat keeps alive; views list a service's prefix and then watch it. Use
 * {@link io.discovery.client.etcd.EtcdBackend#builder} for credentials, TLS or timeouts beyond what
 * the URI carries.
 */
package io.discovery.client.etcd;
