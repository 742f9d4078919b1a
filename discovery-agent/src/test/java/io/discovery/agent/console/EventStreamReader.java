package io.discovery.agent.console;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A client of {@code /api/events} for tests: a thread of its own reads the stream into messages
 * (events and comments), which the test takes with a deadline.
 */
final class EventStreamReader implements AutoCloseable {
  /** What the stream said: an event ({@code name} and its data) or a comment ({@code name} null). */
  record Message(String name, String data, String comment) {
  }

  /** Put on the queue when the stream ends. */
  private static final Message END = new Message(null, null, null);

  final HttpResponse<InputStream> response;
  private final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
  private final Thread reader;

  EventStreamReader(URI events) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    response = http.send(HttpRequest.newBuilder(events).header("Accept", "text/event-stream").GET().build(),
        HttpResponse.BodyHandlers.ofInputStream());
    reader = new Thread(this::read, "test-sse-reader");
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String event = null;
      List<String> data = new ArrayList<>();
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (line.isEmpty()) {
          if (event != null || !data.isEmpty()) {
            messages.add(new Message(event == null ? "message" : event, String.join("\n", data), null));
          }
          event = null;
          data.clear();
        } else if (line.startsWith(":")) {
          messages.add(new Message(null, null, line.substring(1).trim()));
        } else if (line.startsWith("event:")) {
          event = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          data.add(line.substring(5).stripLeading());
        }
      }
    } catch (IOException e) {
      // the stream was cut: the same as its end for these tests
    } finally {
      messages.add(END);
    }
  }

  /** The next message that matches {@code wanted}, skipping others; fails after {@code deadline}. */
  Message next(Predicate<Message> wanted, Duration deadline) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    for (long left = deadline.toNanos(); left > 0; left = end - System.nanoTime()) {
      Message m = messages.poll(left, TimeUnit.NANOSECONDS);
      if (m == null) {
        break;
      }
      if (m == END) {
        throw new AssertionError("the event stream ended before the message expected");
      }
      if (wanted.test(m)) {
        return m;
      }
    }
    throw new AssertionError("no such message on the event stream within " + deadline);
  }

  /** Whether the stream ends within {@code deadline}, whatever else it says first. */
  boolean endsWithin(Duration deadline) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    for (long left = deadline.toNanos(); left > 0; left = end - System.nanoTime()) {
      Message m = messages.poll(left, TimeUnit.NANOSECONDS);
      if (m == END) {
        return true;
      }
      if (m == null) {
        return false;
      }
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    response.body().close();
  }
}
