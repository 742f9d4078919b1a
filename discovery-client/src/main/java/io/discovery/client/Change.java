package io.discovery.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What one answer of the registry added to and removed from a view (an instance that moved is both). */
record Change(List<ServiceInstance> added, List<ServiceInstance> removed) {

  boolean isEmpty() {
    return added.isEmpty() && removed.isEmpty();
  }

  /** The change from {@code before} to {@code after}, in O(n). */
  static Change between(List<ServiceInstance> before, List<ServiceInstance> after) {
    Set<ServiceInstance> old = new HashSet<>(before);
    Set<ServiceInstance> now = new HashSet<>(after);
    List<ServiceInstance> added = new ArrayList<>();
    for (ServiceInstance i : after) {
      if (!old.contains(i)) {
        added.add(i);
      }
    }
    List<ServiceInstance> removed = new ArrayList<>();
    for (ServiceInstance i : before) {
      if (!now.contains(i)) {
        removed.add(i);
      }
    }
    return new Change(added, removed);
  }

  /**
   * {@code sortedById} with {@code removedIds} taken out and {@code upserted} put in by id, keeping
   * the order; records what changed into {@code into}. A binary search per change and one copy.
   */
  static List<ServiceInstance> apply(List<ServiceInstance> sortedById, Collection<ServiceInstance> upserted,
                                     Collection<String> removedIds, Change into) {
    List<ServiceInstance> next = new ArrayList<>(sortedById.size() + upserted.size());
    next.addAll(sortedById);
    for (String id : removedIds) {
      int at = indexOf(next, id);
      if (at >= 0) {
        into.removed.add(next.remove(at));
      }
    }
    for (ServiceInstance instance : upserted) {
      int at = indexOf(next, instance.id());
      if (at < 0) {
        next.add(-at - 1, instance);
        into.added.add(instance);
      } else {
        ServiceInstance old = next.set(at, instance);
        if (!old.equals(instance)) {
          into.removed.add(old);
          into.added.add(instance);
        }
      }
    }
    return next;
  }

  /** The index of {@code id} in a list sorted by id, or {@code -(insertion point) - 1}. */
  private static int indexOf(List<ServiceInstance> sortedById, String id) {
    int low = 0;
    int high = sortedById.size() - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int order = sortedById.get(mid).id().compareTo(id);
      if (order < 0) {
        low = mid + 1;
      } else if (order > 0) {
        high = mid - 1;
      } else {
        return mid;
      }
    }
    return -(low + 1);
  }
}
