package io.discovery.loadbalancer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The calls in flight of one instance, alone on its cache line: threads picking different instances
 * never write to one line, and the count is far from the object header, whose lock word
 * {@code synchronized} latency updates write. Since JDK 15 the JVM fills gaps in a superclass's
 * layout with a subclass's fields, so a lone int field would sit in the 4 bytes after a 12-byte
 * header; the padding classes therefore leave no gap before or around the count
 * ({@code InFlightLayoutTest} checks the offsets on the JVM that runs the tests).
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
  /** Fills the rest of this class's 8 bytes, so that no subclass field lands next to the count. */
  @SuppressWarnings("unused")
  private int q0;

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

/** A cache line between the object header and the count; {@code p0} fills the gap after a 12-byte header. */
abstract class InFlightPadding {
  @SuppressWarnings("unused")
  private int p0;
  @SuppressWarnings("unused")
  private long p1, p2, p3, p4, p5, p6, p7, p8;
}

/** A cache line between the count and the fields of {@link InstanceStats}. */
abstract class InFlightTail extends InFlightCounter {
  @SuppressWarnings("unused")
  private long q1, q2, q3, q4, q5, q6, q7, q8;
}
