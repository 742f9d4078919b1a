package io.discovery.client.memory;

import io.discovery.client.spi.RegistryBackend;
import io.discovery.client.spi.RegistryBackendFactory;
import io.discovery.client.spi.BackendContext;
import java.net.URI;

/** {@code memory://<name>}: a {@link MemoryRegistry} shared by the clients of this JVM that use the same name. */
public final class MemoryBackendFactory implements RegistryBackendFactory {
  @Override
  public String scheme() {
    return "memory";
  }

  @Override
  public RegistryBackend create(URI uri, BackendContext context) {
    String name = uri.getAuthority() != null ? uri.getAuthority() : uri.getSchemeSpecificPart();
    name = name == null ? "" : name.replaceAll("^/+|/+$", "");
    if (name.isBlank()) {
      name = "default";
    }
    return MemoryRegistry.named(name).backend(context.scheduler());
  }
}
