package io.discovery.client.spi;

import io.discovery.client.ServiceInstance;

/**
 * What a backend needs to renew or remove one registration.
 *
 * @param instance the registered instance
 * @param id       the backend's lease or session id
 */
public record Lease(ServiceInstance instance, String id) {
}
