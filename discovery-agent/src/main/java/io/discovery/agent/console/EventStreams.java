package io.discovery.agent.console;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The open {@code /api/events} streams (server-sent events). Each stream is written by the HTTP
 * thread that accepted it, never by the thread that publishes: a client that stops reading blocks
 * only its own thread, and keeps only the newest state waiting (older ones are dropped, not queued).
 */
final class EventStreams implements AutoCloseable {
  private final int max;
  private final Set<Stream> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** @param max how many streams may be open at once; more are refused with 503 */
  EventStreams(int max) {
    this.max = max;
  }

  /**
   * Serves one client on the calling thread until it goes away or {@link #close()}: first the state
   * {@code current} gives, then each state {@link #broadcast}, and heartbeat comments in between.
   */
  void serve(HttpExchange exchange, Supplier<String> current) throws IOException {
    Stream stream = new Stream();
    synchronized (open) {
      if (closed || open.size() >= max) {
        Routes.sendText(exchange, 503, "too many open event streams (at most " + max + "); close a console tab\n");
        return;
      }
      open.add(stream);
    }
    try {
      // Read after joining: a change from here on is broadcast to this stream too.
      stream.offer(current.get());
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.getResponseHeaders().set("X-Accel-Buffering", "no"); // a proxy in front must not buffer the stream
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      out.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      for (String message = stream.next(); message != null; message = stream.next()) {
        out.write(message.getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      open.remove(stream);
    }
  }

  /** Sends {@code stateJson} (one line) to every open stream as an event named {@code state}. */
  void broadcast(String stateJson) {
    open.forEach(s -> s.offer(stateJson));
  }

  /** Sends an SSE comment to every open stream, so that proxies and browsers keep idle streams open. */
  void heartbeat() {
    open.forEach(Stream::ping);
  }

  /** How many streams are open now. */
  int size() {
    return open.size();
  }

  /** Ends every stream; their threads return. Idempotent. */
  @Override
  public void close() {
    synchronized (open) {
      closed = true;
    }
    open.forEach(Stream::end);
  }

  /** One client's mailbox: the newest state not yet written, whether a heartbeat is due, whether to end. */
  private static final class Stream {
    private String state;
    private boolean heartbeatDue;
    private boolean ended;

    synchronized void offer(String json) {
      state = json;
      notifyAll();
    }

    synchronized void ping() {
      heartbeatDue = true;
      notifyAll();
    }

    synchronized void end() {
      ended = true;
      notifyAll();
    }

    /** The next message to write, waiting for one; null when the stream ends. */
    synchronized String next() throws InterruptedException {
      while (!ended && state == null && !heartbeatDue) {
        wait();
      }
      if (ended) {
        return null;
      }
      if (state != null) {
        String message = "event: state\ndata: " + state + "\n\n";
        state = null;
        return message;
      }
      heartbeatDue = false;
      return ": heartbeat\n\n";
    }
  }
}
