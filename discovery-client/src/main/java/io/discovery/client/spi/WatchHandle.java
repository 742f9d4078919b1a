package io.discovery.client.spi;

/** A running watch; closing it stops it without a call to {@link WatchListener#onFailure}. */
public interface WatchHandle extends AutoCloseable {
  @Override
  void close();
}
