package io.discovery.agent.registrar;

/**
 * Runs the check of one endpoint, on the calling thread, within the check's timeout. The registrar
 * never runs two checks of one endpoint at once. Tests pass scripted results instead of probes.
 */
@FunctionalInterface
public interface CheckRunner {

  /** Checks {@code endpoint} once; a failure is a failing result, not an exception. */
  CheckResult check(EndpointConfig endpoint);
}
