package io.discovery.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

/** Where the JVM running the tests puts the in-flight count: alone on its cache line. */
class InFlightLayoutTest {
  private static final int CACHE_LINE = 64;

  @Test
  @SuppressWarnings("removal")
  void theInFlightCountSharesNoCacheLineWithTheHeaderOrAnyOtherField() throws Exception {
    Field theUnsafe = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
    theUnsafe.setAccessible(true);
    sun.misc.Unsafe unsafe = (sun.misc.Unsafe) theUnsafe.get(null);
    long counter = unsafe.objectFieldOffset(InFlightCounter.class.getDeclaredField("inFlight"));

    assertThat(counter).as("offset of inFlight after the object header and the lock word").isGreaterThanOrEqualTo(CACHE_LINE);
    for (Class<?> c = InstanceStats.class; c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) || f.getName().equals("inFlight") || f.getName().matches("[pq]\\d+")) {
          continue;
        }
        long offset = unsafe.objectFieldOffset(f);
        assertThat(Math.abs(offset - counter)).as("distance from inFlight to " + c.getSimpleName() + "." + f.getName())
            .isGreaterThanOrEqualTo(CACHE_LINE);
      }
    }
  }
}
