/**
 * Spring Boot auto-configuration for the discovery client: a {@link io.discovery.client.DiscoveryClient}
 * bean configured by {@link io.discovery.spring.boot.DiscoveryProperties}, registration of the application at
 * its web server's port ({@link io.discovery.spring.boot.ServiceRegistrar}), Spring Cloud's discovery clients
 * over the client's views, a health indicator and meters.
 */
package io.discovery.spring.boot;
