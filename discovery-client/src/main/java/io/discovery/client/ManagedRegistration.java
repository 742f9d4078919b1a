package io.discovery.client;

import io.discovery.client.spi.Lease;
import io.discovery.client.spi.LeaseLostException;
import io.discovery.client.time.ScheduledTask;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one instance registered: registers with backoff, renews at about ttl/3, registers again when
 * the lease is lost. Every backend call for this registration holds {@link #io}, and each checks
 * {@link #closed} under it, so that once {@link #close} has deregistered, no attempt already in flight
 * can bring the instance back; a register or renewal that outlives close's timeout deregisters when it
 * returns. Anything a backend throws, Errors included, schedules another attempt, so the heartbeat
 * chain never ends by accident; only a {@link RegistrationRejectedException} from a register call ends it,
 * as FAILED (a refused renewal is retried).
 */
final class ManagedRegistration implements Registration {
  private static final Logger log = LoggerFactory.getLogger(ManagedRegistration.class);

  private final ServiceInstance instance;
  private final ClientSettings settings;
  private final Consumer<ManagedRegistration> onClosed;
  private final ReentrantLock io = new ReentrantLock();
  private final Object monitor = new Object();

  /** Guarded by {@link #io}. */
  private Lease lease;
  /** Guarded by {@link #io}. */
  private int failures;
  /** Why the last status write before a renewal failed, to log it once; guarded by {@link #io}. */
  private String statusError;
  /** Guarded by {@link #monitor}. */
  private ScheduledTask next;
  private volatile boolean closed;
  /** What {@link #setOutOfService} last asked for; the lease's instance says what the registry holds. */
  private volatile boolean outOfService;
  private volatile RegistrationState state = RegistrationState.REGISTERING;
  private volatile RegistrationRejectedException failure;

  ManagedRegistration(ServiceInstance instance, ClientSettings settings, Consumer<ManagedRegistration> onClosed) {
    this.instance = instance;
    this.outOfService = instance.outOfService();
    this.settings = settings;
    this.onClosed = onClosed;
  }

  void start() {
    scheduleNext(this::register, Duration.ZERO);
  }

  @Override
  public ServiceInstance instance() {
    return instance;
  }

  @Override
  public RegistrationState state() {
    return state;
  }

  @Override
  public Optional<RegistrationRejectedException> failure() {
    return Optional.ofNullable(failure);
  }

  @Override
  public boolean outOfService() {
    return outOfService;
  }

  @Override
  public boolean setOutOfService(boolean out) {
    settings.backend().validate(statusOf(instance, out));
    outOfService = out;
    io.lock();
    try {
      if (closed || lease == null) {
        return false; // written by the next registration
      }
      try {
        writeStatus();
        if (closed) {
          // close() gave up waiting for this write; it must not leave the instance behind.
          deregisterQuietly();
          return false;
        }
        return true;
      } catch (RuntimeException e) {
        // The next renewal writes it; a lost lease is found there too.
        log.warn("could not mark {} {} now: {}; trying again with the next heartbeat", describe(),
            out ? "out of service" : "back in service", e.toString());
        return false;
      }
    } finally {
      io.unlock();
    }
  }

  /** The instance as the registry should hold it: with the out-of-service mark when asked for. */
  private ServiceInstance written() {
    return statusOf(instance, outOfService);
  }

  private static ServiceInstance statusOf(ServiceInstance instance, boolean outOfService) {
    if (outOfService == instance.outOfService()) {
      return instance;
    }
    Map<String, String> metadata = new TreeMap<>(instance.metadata());
    if (outOfService) {
      metadata.put(ServiceInstance.STATUS, ServiceInstance.OUT_OF_SERVICE);
    } else {
      metadata.remove(ServiceInstance.STATUS);
    }
    return new ServiceInstance(instance.service(), instance.id(), instance.host(), instance.port(), instance.secure(),
        metadata, instance.weight(), instance.zone());
  }

  /** Brings the registry's copy to the status asked for, if it differs; the caller holds {@link #io}. */
  private void writeStatus() {
    ServiceInstance wanted = written();
    if (lease.instance().equals(wanted)) {
      return;
    }
    lease = settings.backend().update(lease, wanted, settings.ttl());
    statusError = null;
    settings.events().emit(new DiscoveryEvent.StatusChanged(instance, wanted.outOfService()));
  }

  /**
   * {@link #writeStatus()} before a renewal: a status the registry will not take yet must not stop
   * the heartbeat, so only a lost lease goes on; the rest is logged once per reason.
   */
  private void writeStatusBeforeRenewal() {
    try {
      writeStatus();
    } catch (LeaseLostException e) {
      throw e;
    } catch (RuntimeException e) {
      String reason = e.toString();
      if (!reason.equals(statusError)) {
        statusError = reason;
        log.warn("could not mark {} {}: {}; renewing it as it is, and trying again with each heartbeat", describe(),
            outOfService ? "out of service" : "back in service", reason);
      }
    }
  }

  @Override
  public boolean awaitRegistered(Duration timeout) throws InterruptedException {
    long deadline = settings.scheduler().nanoTime() + timeout.toNanos();
    synchronized (monitor) {
      while (state != RegistrationState.REGISTERED) {
        long left = deadline - settings.scheduler().nanoTime();
        if (state == RegistrationState.CLOSED || state == RegistrationState.FAILED || left <= 0) {
          return false;
        }
        // In slices: on a fake clock the deadline moves only when the test advances time.
        TimeUnit.NANOSECONDS.timedWait(monitor, Math.min(left, ClientSettings.WAIT_SLICE_NANOS));
      }
      return true;
    }
  }

  private void register() {
    io.lock();
    try {
      if (closed) {
        return;
      }
      try {
        lease = settings.backend().register(written(), settings.ttl());
      } catch (RegistrationRejectedException e) {
        fail(e);
        return;
      } catch (RuntimeException | Error e) {
        retryLater(this::register, settings.backoff().max(), new DiscoveryEvent.RegisterFailed(instance, e), e);
        return;
      }
      failures = 0;
      if (closed) {
        // close() gave up waiting for this call; it must not leave the instance behind.
        deregisterQuietly();
        return;
      }
      transition(RegistrationState.REGISTERED, null);
      scheduleNext(this::renew, settings.heartbeatDelay());
    } finally {
      io.unlock();
    }
  }

  private void renew() {
    io.lock();
    try {
      if (closed || lease == null) {
        return;
      }
      try {
        writeStatusBeforeRenewal();
        settings.backend().renew(lease);
      } catch (LeaseLostException e) {
        lease = null;
        transition(RegistrationState.RETRYING, new DiscoveryEvent.LeaseLost(instance, e.getMessage()));
        scheduleNext(this::register, Duration.ZERO);
        return;
      } catch (RuntimeException | Error e) {
        // A refused renewal (a 403 while a policy changes) is retried too: only the first register's
        // refusal is final, so that a blip never stops a registration that worked.
        // Renew at least once per heartbeat interval so that the lease outlives a short outage.
        retryLater(this::renew, settings.heartbeatDelay(), new DiscoveryEvent.RenewalFailed(instance, e), e);
        return;
      }
      failures = 0;
      if (closed) {
        // close() gave up waiting for this renewal; it must not leave the instance behind.
        deregisterQuietly();
        return;
      }
      transition(RegistrationState.REGISTERED, null);
      scheduleNext(this::renew, settings.heartbeatDelay());
    } finally {
      io.unlock();
    }
  }

  /** Schedules {@code task} after the next backoff delay; the caller holds {@link #io}. */
  private void retryLater(Runnable task, Duration maxDelay, DiscoveryEvent event, Throwable e) {
    Duration delay = min(settings.backoff().delay(failures++), maxDelay);
    if (e instanceof Error) {
      log.error("{} failed with an error; retrying with backoff", describe(), e);
    }
    transition(RegistrationState.RETRYING, event);
    log.debug("next attempt for {} in {}", describe(), delay);
    scheduleNext(task, delay);
  }

  /** The registry refused the instance for good: stop trying; the caller holds {@link #io}. */
  private void fail(RegistrationRejectedException e) {
    failure = e;
    transition(RegistrationState.FAILED, new DiscoveryEvent.Failed(instance, e));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private void scheduleNext(Runnable task, Duration delay) {
    synchronized (monitor) {
      if (!closed) {
        next = settings.scheduler().schedule(task, delay);
      }
    }
  }

  /** Moves to {@code to} and reports {@code event} (for REGISTERED: null, made here), unless already there. */
  private void transition(RegistrationState to, DiscoveryEvent event) {
    RegistrationState from;
    synchronized (monitor) {
      from = state;
      if (from == to || from == RegistrationState.CLOSED) {
        return;
      }
      state = to;
      monitor.notifyAll();
    }
    settings.events().emit(to == RegistrationState.REGISTERED
        ? new DiscoveryEvent.Registered(instance, from != RegistrationState.REGISTERING) : event);
  }

  private void deregisterQuietly() {
    if (lease == null) {
      return;
    }
    try {
      settings.backend().deregister(lease);
    } catch (RuntimeException e) {
      log.warn("could not deregister {}: {}; the registry drops it after its TTL of {}",
          describe(), e.getMessage(), settings.ttl());
    }
    lease = null;
  }

  /**
   * Stops the heartbeat, deregisters, and refuses any later attempt, waiting at most
   * {@code timeout} for a backend call already in flight.
   */
  void close(Duration timeout) {
    synchronized (monitor) {
      if (closed) {
        return;
      }
      closed = true;
      if (next != null) {
        next.cancel();
      }
    }
    boolean locked = false;
    try {
      locked = io.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (locked) {
      try {
        if (lease != null) {
          deregisterQuietly();
          settings.events().emit(new DiscoveryEvent.Deregistered(instance));
        }
      } finally {
        io.unlock();
      }
    } else {
      log.warn("a registry call for {} is still running after {}; it deregisters when it ends", describe(), timeout);
    }
    synchronized (monitor) {
      state = RegistrationState.CLOSED;
      monitor.notifyAll();
    }
    onClosed.accept(this);
  }

  @Override
  public void close() {
    close(settings.shutdownTimeout());
  }

  private String describe() {
    return "'" + instance.service() + "' instance '" + instance.id() + "' at " + instance.hostPort();
  }

  @Override
  public String toString() {
    RegistrationRejectedException f = failure;
    return "Registration{" + instance.service() + "/" + instance.id() + " " + state
        + (f == null ? "" : ": " + f.getMessage()) + "}";
  }
}
