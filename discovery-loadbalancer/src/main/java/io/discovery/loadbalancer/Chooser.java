package io.discovery.loadbalancer;

/** A policy's choice over one immutable set of candidates; must not lock or allocate. */
interface Chooser {

  /**
   * The index of the candidate for a call, {@code attempt} 0 first; a later attempt (the previous
   * choice was ejected or in slow start) should tend to choose another candidate.
   *
   * @param keyHash the request key's hash, for policies that pin keys; 0 without a key
   * @param nowNanos the balancer's clock, read once per pick when a policy or filter needs it
   */
  int choose(long keyHash, int attempt, long nowNanos);
}
