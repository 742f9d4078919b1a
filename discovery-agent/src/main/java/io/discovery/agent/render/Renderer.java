package io.discovery.agent.render;

import com.github.mustachejava.Mustache;
import io.discovery.agent.ChildProcess;
import io.discovery.agent.Durations;
import io.discovery.client.ServiceView;
import io.discovery.client.Snapshot;
import io.discovery.client.Subscription;
import io.discovery.client.time.ScheduledTask;
import io.discovery.client.time.Scheduler;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-side discovery, as confd does it: renders a template from the views of some services into a
 * file, whenever they change, and runs a command after each write (e.g. {@code nginx -s reload}).
 *
 * <ul>
 *   <li>A burst of changes gives one write: the first change schedules a render after the debounce
 *       delay, and later ones before it runs join it.
 *   <li>The file is replaced atomically, and only when its content changes.
 *   <li>While any service's snapshot is stale (registry unreachable, not answered yet, list held),
 *       the file is kept as it is: an outage never renders an emptied list.
 *   <li>A service with no instances is rendered only when {@link Options#allowEmpty()}, since nginx
 *       refuses an upstream without servers.
 *   <li>When the command fails (non-zero exit, timeout) its output is logged and the previous file is
 *       put back, without running the command again; that content is not written again until the
 *       views render something else.
 * </ul>
 */
public final class Renderer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Renderer.class);

  /**
   * How to render.
   *
   * @param out         the file to write
   * @param debounce    how long after a change to render, so that a burst gives one write (0: at once)
   * @param exec        command run with {@code sh -c} after each write, or null
   * @param execTimeout how long the command may run before it is killed and counted as failed
   * @param allowEmpty  whether a service without instances is rendered (else the write is skipped)
   */
  public record Options(java.nio.file.Path out, Duration debounce, String exec, Duration execTimeout, boolean allowEmpty) {
    public Options {
      Objects.requireNonNull(out, "out");
      if (debounce == null || debounce.isNegative()) {
        throw new IllegalArgumentException("invalid debounce " + (debounce == null ? null : Durations.format(debounce))
            + ": expected 0 or more");
      }
      if (execTimeout == null || execTimeout.isZero() || execTimeout.isNegative()) {
        throw new IllegalArgumentException("invalid exec timeout " + (execTimeout == null ? null : Durations.format(execTimeout))
            + ": expected more than 0");
      }
      if (exec != null && exec.isBlank()) {
        exec = null;
      }
    }
  }

  private final List<ServiceView> views;
  private final Mustache template;
  private final Options options;
  private final Scheduler scheduler;
  private final Map<String, Snapshot> latest = new ConcurrentHashMap<>();
  private final List<Subscription> subscriptions = new ArrayList<>();
  private final AtomicInteger writes = new AtomicInteger();
  private final Object lock = new Object();
  /** Guarded by lock. */
  private ScheduledTask pending;
  /** Guarded by lock. */
  private boolean closed;
  /** Why the last render did not write, so that the same reason is logged once; guarded by this. */
  private String lastSkip;
  /** Whether a render has found the file current yet (said once at INFO, as a write is); guarded by this. */
  private boolean reportedCurrent;
  /** The last content the command refused (and that was rolled back), not written again; guarded by this. */
  private byte[] refused;

  /** A renderer of {@code views} into {@code options.out()}, rendering on {@code scheduler} (not owned). */
  public Renderer(List<ServiceView> views, Mustache template, Options options, Scheduler scheduler) {
    if (views.isEmpty()) {
      throw new IllegalArgumentException("no services to render: give at least one");
    }
    this.views = List.copyOf(views);
    this.template = Objects.requireNonNull(template, "template");
    this.options = Objects.requireNonNull(options, "options");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
  }

  /** Subscribes to every view; the first render follows the debounce delay. */
  public void start() {
    for (ServiceView view : views) {
      Subscription subscription = view.subscribe(this::onSnapshot);
      synchronized (lock) {
        subscriptions.add(subscription);
      }
    }
  }

  /** Takes a new snapshot of one service and schedules a render unless one is pending. */
  void onSnapshot(Snapshot snapshot) {
    latest.put(snapshot.service(), snapshot);
    synchronized (lock) {
      if (closed || pending != null) {
        return;
      }
      pending = scheduler.schedule(this::renderPending, options.debounce());
    }
  }

  private void renderPending() {
    synchronized (lock) {
      pending = null;
      if (closed) {
        return;
      }
    }
    render();
  }

  /** How many times the file was written (restores included); for tests and logs. */
  int writes() {
    return writes.get();
  }

  /**
   * Renders the views' current snapshots once, now, without subscribing (for {@code render --once},
   * before the server that reads the file starts). Returns whether the file now holds them: written
   * (and the command succeeded) or already equal; false when stale or empty data kept it from being
   * written, or the command failed.
   */
  public boolean renderOnce() {
    for (ServiceView view : views) {
      latest.put(view.service(), view.snapshot());
    }
    return render();
  }

  /**
   * Renders the latest snapshots, and writes and runs the command if the content changed; returns
   * whether the file holds them now (see {@link #renderOnce()}).
   */
  synchronized boolean render() {
    List<Snapshot> snapshots = new ArrayList<>();
    for (ServiceView view : views) {
      Snapshot s = latest.get(view.service());
      if (s == null) {
        return false; // a view not heard from yet: its subscription delivers a snapshot and schedules a render
      }
      snapshots.add(s);
    }
    List<String> stale = snapshots.stream().filter(Snapshot::stale).map(Snapshot::service).toList();
    if (!stale.isEmpty()) {
      return skip("the view of " + String.join(", ", stale) + " is stale (registry unreachable, not answered yet, or list held): "
          + "keeping " + options.out() + " as it is");
    }
    List<String> empty = snapshots.stream().filter(Snapshot::isEmpty).map(Snapshot::service).toList();
    if (!empty.isEmpty() && !options.allowEmpty()) {
      return skip(String.join(", ", empty) + " has no instances: not rendering " + options.out()
          + " (nginx refuses an upstream without servers; --allow-empty renders it)");
    }
    StringWriter text = new StringWriter();
    try {
      template.execute(text, TemplateModel.of(snapshots)).flush();
    } catch (IOException | RuntimeException e) {
      return skip("the template failed: " + e.getMessage());
    }
    byte[] content = text.toString().getBytes(StandardCharsets.UTF_8);
    if (Arrays.equals(content, refused)) {
      return skip("'" + options.exec() + "' refused this content already: keeping " + options.out()
          + " until the registry changes");
    }
    try {
      byte[] previous = AtomicFiles.read(options.out());
      lastSkip = null;
      if (Arrays.equals(previous, content)) {
        if (!reportedCurrent) {
          log.info("{} is up to date: {}", options.out(), summary(snapshots));
        }
        reportedCurrent = true;
        return true;
      }
      reportedCurrent = true;
      AtomicFiles.write(options.out(), content);
      writes.incrementAndGet();
      log.info("wrote {}: {}", options.out(), summary(snapshots));
      if (options.exec() == null || runExec(previous)) {
        refused = null;
        return true;
      }
      refused = content;
      return false;
    } catch (IOException e) {
      log.error("cannot write {}: {}", options.out(), e.toString());
      return false;
    }
  }

  /** Runs the command; if it fails, puts {@code previous} back and returns false. */
  private boolean runExec(byte[] previous) throws IOException {
    ChildProcess.Result result = ChildProcess.shell(options.exec(), options.execTimeout());
    if (result.succeeded()) {
      log.info("ran '{}'{}", options.exec(), result.output().isEmpty() ? "" : ": " + result.output());
      return true;
    }
    AtomicFiles.restore(options.out(), previous);
    writes.incrementAndGet();
    log.error("'{}' failed ({}){}; {} (without running it again)", options.exec(),
        result.describe(options.execTimeout()), result.output().isEmpty() ? "" : ", output:\n" + result.output(),
        previous == null ? "removed " + options.out() + ", as there was none before" : "put the previous " + options.out() + " back");
    return false;
  }

  /** Logs why the file was not written, once per reason in a row; returns false. */
  private boolean skip(String reason) {
    if (!reason.equals(lastSkip)) {
      log.warn(reason);
      lastSkip = reason;
    }
    return false;
  }

  private static String summary(List<Snapshot> snapshots) {
    return snapshots.stream().map(s -> s.service() + " " + s.instances().size() + " instance(s)")
        .collect(Collectors.joining(", "));
  }

  /** Unsubscribes and drops a pending render; a render already running finishes. Idempotent. */
  @Override
  public void close() {
    List<Subscription> toClose;
    synchronized (lock) {
      closed = true;
      if (pending != null) {
        pending.cancel();
        pending = null;
      }
      toClose = new ArrayList<>(subscriptions);
      subscriptions.clear();
    }
    toClose.forEach(Subscription::close);
  }
}
