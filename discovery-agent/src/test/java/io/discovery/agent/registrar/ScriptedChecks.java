package io.discovery.agent.registrar;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Check results set by the test, per service name; counts the checks run. Unknown names fail. */
final class ScriptedChecks implements CheckRunner {
  private final Map<String, Boolean> passing = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

  void pass(String name) {
    passing.put(name, true);
  }

  void fail(String name) {
    passing.put(name, false);
  }

  int runs(String name) {
    AtomicInteger n = runs.get(name);
    return n == null ? 0 : n.get();
  }

  @Override
  public CheckResult check(EndpointConfig endpoint) {
    runs.computeIfAbsent(endpoint.name(), n -> new AtomicInteger()).incrementAndGet();
    return passing.getOrDefault(endpoint.name(), false) ? CheckResult.pass("scripted pass")
        : CheckResult.fail("scripted failure");
  }
}
