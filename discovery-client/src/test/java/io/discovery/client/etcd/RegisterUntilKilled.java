package io.discovery.client.etcd;

import io.discovery.client.DiscoveryClient;
import io.discovery.client.Registration;
import java.time.Duration;

/** A service process for {@link EtcdIT}: registers, says so, then waits to be killed; its shutdown hook deregisters. */
public final class RegisterUntilKilled {
  public static void main(String[] args) throws Exception {
    DiscoveryClient client = DiscoveryClient.builder().registry(args[0]).ttl(Duration.ofSeconds(60)).build();
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
