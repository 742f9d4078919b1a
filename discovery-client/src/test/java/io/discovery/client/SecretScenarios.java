package io.discovery.client;

import io.discovery.client.consul.ConsulSecretScenarios;
import io.discovery.client.etcd.EtcdSecretScenarios;

/**
 * Runs the failure scenarios of {@link SecretsIT} in a JVM of its own, logging at TRACE (slf4j-simple
 * reads its level once, at start). Arguments: the scenario sets to run ("etcd", "consul").
 */
public final class SecretScenarios {
  public static void main(String[] args) throws Exception {
    for (String set : args) {
      switch (set) {
        case "etcd" -> EtcdSecretScenarios.run();
        case "consul" -> ConsulSecretScenarios.run();
        default -> throw new IllegalArgumentException("unknown scenario set " + set);
      }
      System.out.println("SCENARIOS DONE " + set);
    }
    System.exit(0); // OkHttp's pools keep the JVM up for a minute otherwise
  }
}
