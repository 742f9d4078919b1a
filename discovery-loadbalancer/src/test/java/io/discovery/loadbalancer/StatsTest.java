package io.discovery.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** {@link LoadBalancer#stats()}: what a balancer counts, read without touching its pick path. */
class StatsTest {

  @Test
  void picksAndCallsInFlightAreCountedAndEndWithTheirCalls() {
    LoadBalancer lb = LoadBalancer.builder(new TestView("payments", 3)).policy(Policy.leastConnection()).build();
    assertThat(lb.stats()).isEqualTo(new LoadBalancer.Stats(0, 0, 0, false));

    CallHandle first = lb.begin();
    CallHandle second = lb.begin();
    lb.pick();

    assertThat(lb.stats()).isEqualTo(new LoadBalancer.Stats(3, 2, 0, false));
    first.close();
    second.failed(new IOException("refused"));
    second.close();
    assertThat(lb.stats()).isEqualTo(new LoadBalancer.Stats(3, 0, 0, false));
  }

  @Test
  void aNegativeCountIsRefusedNamingIt() {
    assertThatThrownBy(() -> new LoadBalancer.Stats(-1, 0, 0, false)).hasMessageContaining("-1 picks");
    assertThatThrownBy(() -> new LoadBalancer.Stats(0, -2, 0, false)).hasMessageContaining("-2 in flight");
    assertThatThrownBy(() -> new LoadBalancer.Stats(0, 0, -3, false)).hasMessageContaining("-3 ejected");
    assertThat(new LoadBalancer.Stats(0, 0, 0, true).panic()).isTrue();
  }
}
