package io.discovery.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The hash behind {@code pick(key)} and the ring is a promise across releases: during a rolling
 * deploy, clients of two versions must send a key to the same instance. The expected values were
 * computed outside Java, from the published FNV-1a 64 and MurmurHash3 fmix64 definitions.
 */
class HashingTest {

  @Test
  void fnv1aThenFmix64GiveTheValuesOfTheirPublishedDefinitions() {
    assertThat(Hashing.hash("")).isEqualTo(0xefd01f60ba992926L);
    assertThat(Hashing.hash("user-42")).isEqualTo(0xa39532c7ab051e8dL);
    assertThat(Hashing.hash("payments-10.0.0.1-80")).isEqualTo(0x55aa838427fa7326L);
    assertThat(Hashing.mix(1)).isEqualTo(0xb456bcfc34c2cb2cL);
  }
}
