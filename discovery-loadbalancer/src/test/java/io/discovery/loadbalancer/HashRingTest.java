package io.discovery.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.discovery.client.ServiceInstance;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The consistent-hash ring on its own: stable, balanced, weighted, bounded, and minimal in what it moves. */
class HashRingTest {
  private static final int KEYS = 6000;

  private static Candidates candidates(List<ServiceInstance> instances) {
    return new Candidates(instances.toArray(new ServiceInstance[0]), new InstanceStats[instances.size()]);
  }

  private static List<ServiceInstance> instances(int n) {
    List<ServiceInstance> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(ServiceInstance.of("payments", "10.0.0." + (i + 1) + ":80"));
    }
    return list;
  }

  private static String ownerOf(HashRing ring, List<ServiceInstance> instances, int key) {
    return instances.get(ring.choose(Hashing.hash("user-" + key) | 1, 0, 0)).id();
  }

  @Test
  void keysSpreadOverEqualInstancesAndStayWhereTheyAre() {
    List<ServiceInstance> three = instances(3);
    HashRing ring = HashRing.of(candidates(three), 128, java.util.concurrent.ThreadLocalRandom::current);
    int[] counts = new int[3];
    for (int k = 0; k < KEYS; k++) {
      int owner = ring.choose(Hashing.hash("user-" + k) | 1, 0, 0);
      assertThat(ring.choose(Hashing.hash("user-" + k) | 1, 0, 0)).isEqualTo(owner);
      counts[owner]++;
    }
    for (int count : counts) {
      assertThat(count).as("share of %d keys", KEYS).isBetween(KEYS / 5, KEYS / 2);
    }
  }

  @Test
  void removingAnInstanceMovesOnlyItsOwnKeys() {
    List<ServiceInstance> four = instances(4);
    HashRing before = HashRing.of(candidates(four), 128, java.util.concurrent.ThreadLocalRandom::current);
    List<ServiceInstance> three = four.subList(0, 3);
    HashRing after = HashRing.of(candidates(three), 128, java.util.concurrent.ThreadLocalRandom::current);

    int moved = 0;
    for (int k = 0; k < KEYS; k++) {
      String was = ownerOf(before, four, k);
      String now = ownerOf(after, three, k);
      if (!was.equals(four.get(3).id()) && !was.equals(now)) {
        moved++;
      }
    }
    assertThat(moved).as("keys of the instances that stayed, moved").isZero();
  }

  @Test
  void aHeavierInstanceGetsItsShareOfKeys() {
    List<ServiceInstance> list = List.of(ServiceInstance.builder("payments", "10.0.0.1:80").weight(3).build(),
        ServiceInstance.of("payments", "10.0.0.2:80"));
    HashRing ring = HashRing.of(candidates(list), 128, java.util.concurrent.ThreadLocalRandom::current);
    assertThat(ring.points()).isEqualTo(4 * 128);
    int heavy = 0;
    for (int k = 0; k < KEYS; k++) {
      heavy += ring.choose(Hashing.hash("user-" + k) | 1, 0, 0) == 0 ? 1 : 0;
    }
    assertThat(heavy).as("weight 3 of 4").isBetween(KEYS * 6 / 10, KEYS * 9 / 10);
  }

  @Test
  void aLaterAttemptWalksOnToTheNextDistinctOwners() {
    List<ServiceInstance> three = instances(3);
    HashRing ring = HashRing.of(candidates(three), 128, java.util.concurrent.ThreadLocalRandom::current);
    for (int k = 0; k < 200; k++) {
      long key = Hashing.hash("user-" + k) | 1;
      Set<Integer> owners = new HashSet<>();
      for (int attempt = 0; attempt < 3; attempt++) {
        owners.add(ring.choose(key, attempt, 0));
      }
      assertThat(owners).as("three attempts, three instances").hasSize(3);
    }
  }

  @Test
  void theRingIsBoundedAndEveryInstanceKeepsAPoint() {
    List<ServiceInstance> many = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      many.add(ServiceInstance.builder("payments", "10.1." + i / 250 + "." + i % 250 + ":80")
          .weight(ServiceInstance.MAX_WEIGHT).build());
    }
    many.add(ServiceInstance.of("payments", "10.2.0.1:80")); // weight 1 among the heaviest

    HashRing ring = HashRing.of(candidates(many), 128, java.util.concurrent.ThreadLocalRandom::current);

    assertThat(ring.points()).isBetween(HashRing.MAX_POINTS - many.size(), HashRing.MAX_POINTS + many.size());
    Set<Integer> owners = new HashSet<>();
    for (int k = 0; k < 200_000 && owners.size() < many.size(); k++) {
      owners.add(ring.choose(Hashing.hash("user-" + k) | 1, 0, 0));
    }
    assertThat(owners).as("instances that own keys").hasSize(many.size());
  }

  @Test
  void instancesSharingAnIdOnDifferentHostsEachOwnKeys() {
    List<ServiceInstance> list = List.of(ServiceInstance.builder("payments", "10.0.0.1:80").id("web").build(),
        ServiceInstance.builder("payments", "10.0.0.2:80").id("web").build());
    HashRing ring = HashRing.of(candidates(list), 128, java.util.concurrent.ThreadLocalRandom::current);
    int first = 0;
    for (int k = 0; k < KEYS; k++) {
      first += ring.choose(Hashing.hash("user-" + k) | 1, 0, 0) == 0 ? 1 : 0;
    }
    assertThat(first).isBetween(KEYS / 4, KEYS * 3 / 4);
  }

  @Test
  void anInstanceThatMovesKeepsItsKeys() {
    List<ServiceInstance> before = instances(3);
    List<ServiceInstance> after = new ArrayList<>(before);
    after.set(1, ServiceInstance.builder("payments", "10.9.9.9:80").id(before.get(1).id()).build());
    HashRing a = HashRing.of(candidates(before), 128, java.util.concurrent.ThreadLocalRandom::current);
    HashRing b = HashRing.of(candidates(after), 128, java.util.concurrent.ThreadLocalRandom::current);
    for (int k = 0; k < 1000; k++) {
      assertThat(ownerOf(b, after, k)).isEqualTo(ownerOf(a, before, k));
    }
  }
}
