package io.discovery.loadbalancer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The calls in flight of one instance, alone on its cache line: threads picking different instances
 * then never write to the same line (the stats objects of a service are allocated side by side, and
 * with the counts sharing lines two threads slowed each other down about 5x). The padding sits in
 * the class hierarchy because the JVM lays out a superclass's fields before its subclass's.
 */
abstract class InFlightCounter extends InFlightPadding {
  private static final VarHandle IN_FLIGHT;

  static {
    try {
      IN_FLIGHT = MethodHandles.lookup().findVarHandle(InFlightCounter.class, "inFlight", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** A field of its own rather than an AtomicInteger, to save a pointer hop per read on the pick path. */
  private volatile int inFlight;
  @SuppressWarnings("unused")
  private long q1, q2, q3, q4, q5, q6, q7, q8;

  final int inFlight() {
    return inFlight;
  }

  final void callStarted() {
    IN_FLIGHT.getAndAdd(this, 1);
  }

  final void callEnded() {
    IN_FLIGHT.getAndAdd(this, -1);
  }
}

/** The cache line before {@link InFlightCounter#inFlight()}. */
abstract class InFlightPadding {
  @SuppressWarnings("unused")
  private long p1, p2, p3, p4, p5, p6, p7, p8;
}
