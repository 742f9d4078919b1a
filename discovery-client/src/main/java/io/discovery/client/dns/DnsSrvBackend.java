package io.discovery.client.dns;

import io.discovery.client.RegistryUnavailableException;
import io.discovery.client.ServiceInstance;
import io.discovery.client.spi.Lease;
import io.discovery.client.spi.RegistryBackend;
import io.discovery.client.spi.WatchHandle;
import io.discovery.client.spi.WatchListener;
import io.discovery.client.time.ScheduledTask;
import io.discovery.client.time.Scheduler;
import java.net.InetAddress;
import java.net.Inet6Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A read-only source of instances from DNS SRV records (RFC 2782): Consul's DNS interface
 * ({@code _payments._tcp.service.consul}) or a Kubernetes headless service
 * ({@code _http._tcp.payments.default.svc.cluster.local}). Only the records of the lowest priority
 * are used; each target address is an instance, weighted by the record's weight. The view asks
 * again when the shortest TTL of the answer runs out (at least 1 s, at most 5 min; 5 s when the
 * name does not exist). Registration is refused: DNS is read-only.
 */
final class DnsSrvBackend implements RegistryBackend {
  static final String READ_ONLY = "dns+srv registries are read-only: DNS cannot take registrations."
      + " Register in the registry behind the DNS (Consul, Kubernetes) and resolve here";
  private static final Duration MIN_REFRESH = Duration.ofSeconds(1);
  private static final Duration MAX_REFRESH = Duration.ofMinutes(5);
  private static final Duration NEGATIVE_REFRESH = Duration.ofSeconds(5);

  private final DnsClient dns;
  private final Function<String, String> names;
  private final Scheduler scheduler;

  DnsSrvBackend(DnsClient dns, Function<String, String> names, Scheduler scheduler) {
    this.dns = dns;
    this.names = names;
    this.scheduler = scheduler;
  }

  /** The DNS server asked. */
  java.net.InetSocketAddress server() {
    return dns.server();
  }

  @Override
  public void validate(ServiceInstance instance) {
    throw new UnsupportedOperationException(READ_ONLY);
  }

  @Override
  public Lease register(ServiceInstance instance, Duration ttl) {
    throw new UnsupportedOperationException(READ_ONLY);
  }

  @Override
  public void renew(Lease lease) {
    throw new UnsupportedOperationException(READ_ONLY);
  }

  @Override
  public void deregister(Lease lease) {
    throw new UnsupportedOperationException(READ_ONLY);
  }

  /** What one resolution found, and when to ask again. */
  record Resolution(List<ServiceInstance> instances, Duration refreshAfter) {
  }

  Resolution resolve(String service) {
    String name = names.apply(service);
    DnsMessage.Response srv = dns.ask(name, DnsMessage.TYPE_SRV);
    if (srv.rcode() == DnsMessage.RCODE_NXDOMAIN) {
      return new Resolution(List.of(), NEGATIVE_REFRESH);
    }
    if (srv.rcode() != 0) {
      throw new RegistryUnavailableException("DNS server " + dns.server() + " answered " + name + " with error code " + srv.rcode());
    }
    List<DnsMessage.Record> records = srv.answers().stream().filter(r -> r.type() == DnsMessage.TYPE_SRV).toList();
    if (records.isEmpty()) {
      return new Resolution(List.of(), NEGATIVE_REFRESH);
    }
    int lowest = records.stream().mapToInt(r -> ((DnsMessage.Srv) r.data()).priority()).min().orElseThrow();
    long ttl = records.stream().mapToLong(DnsMessage.Record::ttlSeconds).min().orElseThrow();
    List<ServiceInstance> instances = new ArrayList<>();
    for (DnsMessage.Record record : records) {
      DnsMessage.Srv target = (DnsMessage.Srv) record.data();
      if (target.priority() != lowest || target.target().isEmpty()) {
        continue; // a lower priority is a fallback; the target "." means "not offered here"
      }
      List<DnsMessage.Record> addresses = srv.additional().stream()
          .filter(r -> (r.type() == DnsMessage.TYPE_A || r.type() == DnsMessage.TYPE_AAAA) && r.name().equals(target.target()))
          .toList();
      if (addresses.isEmpty()) {
        addresses = new ArrayList<>(lookUp(target.target(), DnsMessage.TYPE_A));
        addresses.addAll(lookUp(target.target(), DnsMessage.TYPE_AAAA));
      }
      for (DnsMessage.Record address : addresses) {
        ttl = Math.min(ttl, address.ttlSeconds());
        String host = hostOf((InetAddress) address.data());
        instances.add(new ServiceInstance(service, target.target() + "-" + host.replace(':', '_') + "-" + target.port(), host,
            target.port(), false, Map.of("dns.target", target.target(), "dns.priority", Integer.toString(target.priority())),
            Math.max(1, target.weight()), null)); // 16 bits: never above MAX_WEIGHT
      }
    }
    Duration refresh = Duration.ofSeconds(ttl);
    refresh = refresh.compareTo(MIN_REFRESH) < 0 ? MIN_REFRESH : refresh.compareTo(MAX_REFRESH) > 0 ? MAX_REFRESH : refresh;
    return new Resolution(instances, refresh);
  }

  private List<DnsMessage.Record> lookUp(String host, int type) {
    DnsMessage.Response response = dns.ask(host, type);
    return response.answers().stream().filter(r -> r.type() == type).toList();
  }

  private static String hostOf(InetAddress address) {
    String text = address.getHostAddress();
    return address instanceof Inet6Address && text.contains("%") ? text.substring(0, text.indexOf('%')) : text;
  }

  @Override
  public WatchHandle watch(String service, WatchListener listener) {
    DnsWatch watch = new DnsWatch(service, listener);
    watch.schedule(Duration.ZERO);
    return watch::close;
  }

  @Override
  public void close() {
  }

  /** Resolves now and again when the TTL runs out; delivers only when the answer changes. */
  private final class DnsWatch {
    private final String service;
    private final WatchListener listener;
    private volatile boolean closed;
    private ScheduledTask next;
    private List<ServiceInstance> last;
    private long revision;

    DnsWatch(String service, WatchListener listener) {
      this.service = service;
      this.listener = listener;
    }

    synchronized void schedule(Duration delay) {
      if (!closed) {
        next = scheduler.schedule(this::resolveNow, delay);
      }
    }

    private void resolveNow() {
      if (closed) {
        return;
      }
      Resolution resolution;
      try {
        resolution = resolve(service);
      } catch (RuntimeException e) {
        closed = true;
        listener.onFailure(e);
        return;
      }
      if (!resolution.instances().equals(last)) {
        last = resolution.instances();
        listener.onInstances(last, ++revision);
      }
      schedule(resolution.refreshAfter());
    }

    synchronized void close() {
      closed = true;
      if (next != null) {
        next.cancel();
      }
    }
  }
}
