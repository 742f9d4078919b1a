package io.discovery.client;

import io.discovery.client.spi.Lease;
import io.discovery.client.spi.RegistryBackend;
import io.discovery.client.spi.WatchHandle;
import io.discovery.client.spi.WatchListener;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Delegates to a real backend, counting calls; can hold register calls at a gate to expose races. */
final class RecordingBackend implements RegistryBackend {
  final RegistryBackend delegate;
  final AtomicInteger registers = new AtomicInteger();
  final AtomicInteger renewals = new AtomicInteger();
  final AtomicInteger deregisters = new AtomicInteger();
  final AtomicInteger updates = new AtomicInteger();
  volatile CountDownLatch registerEntered;
  volatile CountDownLatch registerGate;
  volatile CountDownLatch renewEntered;
  volatile CountDownLatch renewGate;
  /** Thrown by the next register or renew call instead of calling the registry, then cleared. */
  volatile Throwable nextRegisterFailure;
  volatile Throwable nextRenewFailure;
  /** Thrown by every update call while set. */
  volatile RuntimeException updateFailure;
  volatile CountDownLatch updateEntered;
  volatile CountDownLatch updateGate;

  RecordingBackend(RegistryBackend delegate) {
    this.delegate = delegate;
  }

  /** The next register call signals {@code entered} once inside, then waits until {@code gate} opens. */
  void holdNextRegister(CountDownLatch entered, CountDownLatch gate) {
    this.registerEntered = entered;
    this.registerGate = gate;
  }

  /** The next update call signals {@code entered} once inside, then waits until {@code gate} opens. */
  void holdNextUpdate(CountDownLatch entered, CountDownLatch gate) {
    this.updateEntered = entered;
    this.updateGate = gate;
  }

  /** The next renew call signals {@code entered} once inside, then waits until {@code gate} opens. */
  void holdNextRenew(CountDownLatch entered, CountDownLatch gate) {
    this.renewEntered = entered;
    this.renewGate = gate;
  }

  @Override
  public Lease register(ServiceInstance instance, Duration ttl) {
    registers.incrementAndGet();
    CountDownLatch gate = registerGate;
    if (gate != null) {
      registerGate = null;
      pass(registerEntered, gate);
    }
    throwIfSet(nextRegisterFailure);
    return delegate.register(instance, ttl);
  }

  @Override
  public Lease update(Lease lease, ServiceInstance changed, Duration ttl) {
    updates.incrementAndGet();
    CountDownLatch gate = updateGate;
    if (gate != null) {
      updateGate = null;
      pass(updateEntered, gate);
    }
    RuntimeException failure = updateFailure;
    if (failure != null) {
      throw failure;
    }
    return delegate.update(lease, changed, ttl);
  }

  @Override
  public void renew(Lease lease) {
    renewals.incrementAndGet();
    CountDownLatch gate = renewGate;
    if (gate != null) {
      renewGate = null;
      pass(renewEntered, gate);
    }
    Throwable failure = nextRenewFailure;
    nextRenewFailure = null;
    throwIfSet(failure);
    delegate.renew(lease);
  }

  private static void pass(CountDownLatch entered, CountDownLatch gate) {
    entered.countDown();
    try {
      if (!gate.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("gate never opened");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void throwIfSet(Throwable failure) {
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    if (failure instanceof Error e) {
      throw e;
    }
  }

  @Override
  public void deregister(Lease lease) {
    deregisters.incrementAndGet();
    delegate.deregister(lease);
  }

  /** The listener of the last watch started, for a test to deliver answers a registry would give. */
  volatile WatchListener lastWatchListener;

  @Override
  public WatchHandle watch(String service, WatchListener listener) {
    lastWatchListener = listener;
    return delegate.watch(service, listener);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
