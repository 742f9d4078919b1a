package io.discovery.client.consul;

/** {@code consul+https://host:port}: the Consul agent over TLS, trusting the JVM's default CAs. */
public final class ConsulHttpsBackendFactory extends ConsulBackendFactory {
  @Override
  public String scheme() {
    return "consul+https";
  }
}
