package io.discovery.client.etcd;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import java.time.Duration;

/**
 * A service process for the integration tests: registers, says so, then waits to be killed; its
 * shutdown hook deregisters. Arguments: registry URI, service, host:port, and the TTL in seconds
 * (default 60).
 */
public final class RegisterUntilKilled {
  public static void main(String[] args) throws Exception {
    Duration ttl = Duration.ofSeconds(args.length > 3 ? Long.parseLong(args[3]) : 60);
    DiscoveryClient client = DiscoveryClient.builder().registry(args[0]).ttl(ttl).build();
    Registration registration = client.register(args[1], args[2]);
    if (!registration.awaitRegistered(Duration.ofSeconds(20))) {
      System.out.println("NOT REGISTERED");
      System.exit(1);
    }
    System.out.println("REGISTERED");
    System.out.flush();
    Thread.currentThread().join();
  }
}
