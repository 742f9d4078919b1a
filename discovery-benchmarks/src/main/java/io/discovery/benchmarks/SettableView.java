package io.discovery.benchmarks;

import io.discovery.client.ServiceView;
import io.discovery.client.Snapshot;
import io.discovery.client.Subscription;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A view whose snapshot a benchmark sets; listeners hear of each one on the setting thread. */
public final class SettableView implements ServiceView {
  private final List<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();
  private volatile Snapshot snapshot;

  public SettableView(Snapshot first) {
    snapshot = first;
  }

  public void publish(Snapshot next) {
    snapshot = next;
    listeners.forEach(l -> l.accept(next));
  }

  @Override
  public String service() {
    return snapshot.service();
  }

  @Override
  public Snapshot snapshot() {
    return snapshot;
  }

  @Override
  public Subscription subscribe(Consumer<Snapshot> listener) {
    listeners.add(listener);
    listener.accept(snapshot);
    return () -> listeners.remove(listener);
  }
}
