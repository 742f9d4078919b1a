package io.discovery.client;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One network endpoint of a service, as registered in and read from a registry. Immutable and
 * validated at construction: a bad value raises {@link IllegalArgumentException} naming it.
 *
 * @param service  service name: 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit;
 *                 case-insensitive, kept in lower case
 * @param id       instance id, unique within the service: 1 to 200 printable characters, no '/' or space
 * @param host     hostname, IPv4 address or IPv6 address (without brackets)
 * @param port     TCP port, 1 to 65535
 * @param secure   whether callers should use TLS
 * @param metadata free-form string pairs, copied and kept sorted by key
 * @param weight   relative share of traffic for weighted policies, 1 to 1,000,000 (default 1)
 * @param zone     availability zone, or {@code null} when unknown
 */
public record ServiceInstance(
    String service,
    String id,
    String host,
    int port,
    boolean secure,
    Map<String, String> metadata,
    int weight,
    String zone) {

  private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  private static final Pattern INSTANCE_ID = Pattern.compile("[\\x21-\\x2E\\x30-\\x7E]{1,200}");
  private static final Pattern HOSTNAME =
      Pattern.compile("(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");
  private static final Pattern DIGITS_AND_DOTS = Pattern.compile("[0-9.]+");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9._-]+)?");

  /** Largest allowed {@link #weight()}. */
  public static final int MAX_WEIGHT = 1_000_000;

  /**
   * The metadata key of an instance's status, as Spring Cloud and Eureka name it: an instance whose
   * value is {@value #OUT_OF_SERVICE} stays registered but is left out of every view.
   */
  public static final String STATUS = "instance_status";

  /** The {@link #STATUS} value that keeps an instance out of every view; see {@link Registration#setOutOfService}. */
  public static final String OUT_OF_SERVICE = "OUT_OF_SERVICE";

  /**
   * Validates every component and normalizes: the service name to lower case, a blank zone to
   * {@code null}, the metadata to a sorted unmodifiable copy.
   *
   * @param service  1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit
   * @param id       1 to 200 printable ASCII characters without '/' or spaces
   * @param host     a hostname, IPv4 address or IPv6 address (without brackets)
   * @param port     1 to 65535
   * @param secure   whether callers should use TLS
   * @param metadata null for none; no null keys or values
   * @param weight   1 to {@value #MAX_WEIGHT}
   * @param zone     null or blank when unknown
   * @throws IllegalArgumentException naming the first invalid component
   */
  public ServiceInstance {
    service = checkServiceName(service);
    if (id == null || !INSTANCE_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("invalid instance id '" + id
          + "': expected 1 to 200 printable ASCII characters without '/' or spaces");
    }
    host = checkHost(host);
    checkPort(port, host + ":" + port);
    if (weight < 1 || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException(
          "invalid weight " + weight + " of instance '" + id + "': expected 1 to " + MAX_WEIGHT);
    }
    if (zone != null && zone.isBlank()) {
      zone = null;
    }
    TreeMap<String, String> copy = new TreeMap<>();
    if (metadata != null) {
      metadata.forEach((k, v) -> {
        if (k == null || v == null) {
          throw new IllegalArgumentException("invalid metadata of instance '" + id
              + "': keys and values must not be null, got " + k + "=" + v);
        }
        copy.put(k, v);
      });
    }
    metadata = java.util.Collections.unmodifiableMap(copy);
  }

  /**
   * An instance of {@code service} at {@code hostPort} ("10.1.2.3:8888", "host:80", "[::1]:9000") with
   * the default id {@code <service>-<host>-<port>}, weight 1, no zone, no metadata.
   *
   * @param service the service name
   * @param hostPort {@code host:port}, IPv6 hosts in brackets
   * @return the instance
   * @throws IllegalArgumentException if the name or the address is invalid
   */
  public static ServiceInstance of(String service, String hostPort) {
    return builder(service, hostPort).build();
  }

  /**
   * A builder for an instance of {@code service} at {@code hostPort}; see {@link #of}.
   *
   * @param service the service name
   * @param hostPort {@code host:port}, IPv6 hosts in brackets
   * @return a new builder
   * @throws IllegalArgumentException at once if the name or the address is invalid
   */
  public static Builder builder(String service, String hostPort) {
    return new Builder(service, hostPort);
  }

  /**
   * A builder starting from this instance's values, id included: for a changed copy of it.
   *
   * @return a new builder; this instance is not changed
   */
  public Builder toBuilder() {
    Builder b = new Builder(service, host, port);
    b.id = id;
    b.secure = secure;
    b.metadata.putAll(metadata);
    b.weight = weight;
    b.zone = zone;
    return b;
  }

  /**
   * Whether this instance is marked out of service ({@link #STATUS} is {@value #OUT_OF_SERVICE}, in
   * any case): registered, but left out of every view.
   *
   * @return true when callers must not be sent to it
   */
  public boolean outOfService() {
    return OUT_OF_SERVICE.equalsIgnoreCase(metadata.get(STATUS));
  }

  /**
   * The address in the form {@link #of} takes.
   *
   * @return {@code host:port}, with brackets around an IPv6 host
   */
  public String hostPort() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /** The id an instance gets when none is given: {@code <service>-<host>-<port>}. */
  static String defaultId(String service, String host, int port) {
    return service + "-" + host.replace(':', '_').replace('%', '_') + "-" + port;
  }

  /**
   * The service name in its canonical form, lower case: names are case-insensitive, as in DNS,
   * Consul's catalog and Kubernetes, so "Payments" and "payments" are one service on every backend.
   */
  static String checkServiceName(String service) {
    if (service == null || !SERVICE_NAME.matcher(service).matches()) {
      throw new IllegalArgumentException("invalid service name '" + service
          + "': expected 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    return service.toLowerCase(java.util.Locale.ROOT);
  }

  private static String checkHost(String host) {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("invalid host '" + host + "': expected a hostname, IPv4 or [IPv6]");
    }
    if (host.indexOf(':') >= 0) {
      if (!IPV6.matcher(host).matches() || !validIpv6(host)) {
        throw new IllegalArgumentException("invalid host '" + host + "': not a valid IPv6 address");
      }
      return host;
    }
    if (DIGITS_AND_DOTS.matcher(host).matches()) {
      if (!validIpv4(host)) {
        throw new IllegalArgumentException("invalid host '" + host
            + "': expected a hostname, IPv4 (four numbers 0-255 separated by dots) or [IPv6]");
      }
      return host;
    }
    if (!HOSTNAME.matcher(host).matches()) {
      throw new IllegalArgumentException("invalid host '" + host + "': expected a hostname"
          + " (letters, digits and '-' in dot-separated labels of at most 63), IPv4 or [IPv6]");
    }
    return host;
  }

  private static void checkPort(int port, String where) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("invalid port " + port + " in '" + where + "': expected 1 to 65535");
    }
  }

  private static boolean validIpv4(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
          || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  private static boolean validIpv6(String host) {
    String address = host.contains("%") ? host.substring(0, host.indexOf('%')) : host;
    int doubleColon = address.indexOf("::");
    if (doubleColon >= 0 && address.indexOf("::", doubleColon + 1) >= 0) {
      return false;
    }
    String[] groups = address.split(":", -1);
    int count = 0;
    for (int i = 0; i < groups.length; i++) {
      String g = groups[i];
      if (g.isEmpty()) {
        continue;
      }
      if (g.contains(".")) {
        if (i != groups.length - 1 || !validIpv4(g)) {
          return false;
        }
        count += 2;
      } else if (g.length() > 4) {
        return false;
      } else {
        count++;
      }
    }
    return doubleColon >= 0 ? count < 8 : count == 8;
  }

  /** Builder of {@link ServiceInstance}; validation happens in {@link #build()}. */
  public static final class Builder {
    private final String service;
    private final String host;
    private final int port;
    private String id;
    private boolean secure;
    private final Map<String, String> metadata = new TreeMap<>();
    private int weight = 1;
    private String zone;

    private Builder(String service, String hostPort) {
      this.service = checkServiceName(service);
      if (hostPort == null || hostPort.isBlank()) {
        throw new IllegalArgumentException("invalid address '" + hostPort + "' of service '" + service
            + "': expected host:port, e.g. 10.1.2.3:8080 or [::1]:8080");
      }
      String h;
      String p;
      if (hostPort.startsWith("[")) {
        int close = hostPort.indexOf(']');
        if (close < 0 || close + 1 >= hostPort.length() || hostPort.charAt(close + 1) != ':') {
          throw missingPort(service, hostPort);
        }
        h = hostPort.substring(1, close);
        p = hostPort.substring(close + 2);
      } else {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0 || hostPort.indexOf(':') != colon) {
          throw missingPort(service, hostPort);
        }
        h = hostPort.substring(0, colon);
        p = hostPort.substring(colon + 1);
      }
      int parsed;
      try {
        parsed = Integer.parseInt(p);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid port '" + p + "' in '" + hostPort + "': expected 1 to 65535");
      }
      checkPort(parsed, hostPort);
      this.host = checkHost(h);
      this.port = parsed;
    }

    private Builder(String service, String host, int port) {
      this.service = service;
      this.host = host;
      this.port = port;
    }

    private static IllegalArgumentException missingPort(String service, String hostPort) {
      return new IllegalArgumentException("invalid address '" + hostPort + "' of service '" + service
          + "': expected host:port with a port 1 to 65535, e.g. 10.1.2.3:8080 or [::1]:8080");
    }

    /**
     * Instance id; defaults to {@code <service>-<host>-<port>}.
     *
     * @param id unique within the service, checked by {@link #build()}; null for the default
     * @return this builder
     */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /**
     * Marks the instance as serving TLS.
     *
     * @return this builder
     */
    public Builder secure() {
      this.secure = true;
      return this;
    }

    /**
     * Adds one metadata pair, replacing an earlier value of {@code key}.
     *
     * @param key not null
     * @param value not null
     * @return this builder
     * @throws NullPointerException if {@code key} or {@code value} is null
     */
    public Builder metadata(String key, String value) {
      metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Relative traffic share for weighted policies (default 1).
     *
     * @param weight 1 to {@value ServiceInstance#MAX_WEIGHT}, checked by {@link #build()}
     * @return this builder
     */
    public Builder weight(int weight) {
      this.weight = weight;
      return this;
    }

    /**
     * Availability zone, for zone-aware picking.
     *
     * @param zone e.g. "eu-west-1a"; null or blank when unknown
     * @return this builder
     */
    public Builder zone(String zone) {
      this.zone = zone;
      return this;
    }

    /**
     * The validated instance; the builder can be changed and built again.
     *
     * @return a new instance
     * @throws IllegalArgumentException if the id or weight is invalid
     */
    public ServiceInstance build() {
      return new ServiceInstance(service, id != null ? id : defaultId(service, host, port),
          host, port, secure, metadata, weight, zone);
    }
  }
}
