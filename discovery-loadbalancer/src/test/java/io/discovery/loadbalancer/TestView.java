package io.discovery.loadbalancer;

import io.discovery.client.ServiceInstance;
import io.discovery.client.ServiceView;
import io.discovery.client.Snapshot;
import io.discovery.client.Subscription;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A view whose snapshot the test sets; listeners hear of each new snapshot on the setting thread. */
final class TestView implements ServiceView {
  private final String service;
  private volatile Snapshot snapshot;
  private final List<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();
  private long revision;

  TestView(String service, int instances) {
    this.service = service;
    set(instances(service, 0, instances));
  }

  static List<ServiceInstance> instances(String service, int from, int count) {
    List<ServiceInstance> list = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      list.add(ServiceInstance.of(service, "10.0." + (i / 250) + "." + (i % 250 + 1) + ":8080"));
    }
    return list;
  }

  synchronized void set(List<ServiceInstance> instances) {
    publish(new Snapshot(service, instances, ++revision, Instant.EPOCH, false));
  }

  synchronized void staleEmpty() {
    publish(new Snapshot(service, List.of(), revision, Instant.EPOCH, true));
  }

  private void publish(Snapshot next) {
    snapshot = next;
    listeners.forEach(listener -> listener.accept(next));
  }

  /** How many listeners are subscribed. */
  int subscribers() {
    return listeners.size();
  }

  @Override
  public String service() {
    return service;
  }

  @Override
  public Snapshot snapshot() {
    return snapshot;
  }

  @Override
  public synchronized Subscription subscribe(Consumer<Snapshot> listener) {
    listeners.add(listener);
    listener.accept(snapshot);
    return () -> listeners.remove(listener);
  }
}
