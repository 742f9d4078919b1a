package io.discovery.benchmarks.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.discovery.benchmarks.sim.Simulation.Result;
import io.discovery.benchmarks.sim.Simulation.Scenario;
import io.discovery.loadbalancer.Policy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationTest {

  @Test
  void aRunReproducesToTheRequest() {
    for (Scenario scenario : SimulationReport.scenarios()) {
      Result first = Simulation.run(scenario, "peak-ewma", Policy.peakEwma(), 42);
      Result again = Simulation.run(scenario, "peak-ewma", Policy.peakEwma(), 42);

      assertThat(again).usingRecursiveComparison().as(scenario.name()).isEqualTo(first);
    }
  }

  @Test
  void everyPolicyAndBothReferencesSeeTheSameArrivals() {
    Scenario scenario = Simulation.fastFailureAndBimodal();
    List<Long> requests = new ArrayList<>();
    SimulationReport.policies().forEach((label, policy) -> requests.add(Simulation.run(scenario, label, policy, 7).requests()));
    requests.add(Simulation.runShortestQueue(scenario, 7).requests());
    requests.add(Simulation.runOracle(scenario, 7).requests());

    assertThat(requests).hasSize(6).containsOnly(requests.get(0));
    assertThat(Simulation.run(scenario, "other seed", Policy.roundRobin(), 8).requests()).isNotEqualTo(requests.get(0));
  }

  @Test
  void theOracleIsAnUpperBoundForEveryPolicyInEveryScenario() {
    for (Scenario scenario : SimulationReport.scenarios()) {
      Result oracle = Simulation.runOracle(scenario, 42);
      SimulationReport.policies().forEach((label, policy) -> {
        Result r = Simulation.run(scenario, label, policy, 42);
        assertThat(oracle.succeeded()).as("%s: %s", scenario.name(), label).isGreaterThanOrEqualTo(r.succeeded());
        assertThat(oracle.p99()).as("%s: %s", scenario.name(), label).isLessThanOrEqualTo(r.p99());
      });
    }
  }

  @Test
  void withoutAFailurePenaltyPeakEwmaKeepsFeedingABackendThatFailsFast() {
    Scenario scenario = Simulation.fastFailureAndBimodal();
    Result none = Simulation.run(scenario, "x1", Policy.peakEwma(Duration.ofSeconds(10), 1), 42);
    Result twice = Simulation.run(scenario, "x2", Policy.peakEwma(Duration.ofSeconds(10), 2), 42);

    // The failing backend answers in 1 ms: timed like a success, a failure makes it look like the fastest.
    assertThat(none.successRate()).isLessThan(0.95);
    assertThat(twice.successRate()).isGreaterThan(0.999);
  }

  @Test
  void roundRobinLosesTheFailingBackendsShareAndPeakEwmaRidesOutTheSlowOne() {
    Result roundRobin = Simulation.run(Simulation.linkerd(), "rr", Policy.roundRobin(), 42);
    Result peakEwma = Simulation.run(Simulation.linkerd(), "ewma", Policy.peakEwma(), 42);

    // One backend of 11 slowed past the timeout for half the run: about 1/11 x 1/2 of requests time out.
    assertThat(1 - roundRobin.successRate()).isBetween(0.5 / 11 * 0.9, 0.5 / 11 * 1.1);
    assertThat(peakEwma.successRate()).isGreaterThan(0.999);
  }
}
