package io.discovery.spring.boot;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings under {@code discovery.*}: which registry, whether and how this application registers
 * itself. Unset values keep the SDK's defaults.
 */
@ConfigurationProperties("discovery")
public class DiscoveryProperties {
  /** Registry URI, e.g. etcd://10.0.0.5:2379 or zookeeper://10.0.0.5:2181/services; unset reads DISCOVERY_REGISTRY. */
  private String registry;

  /** Whether to register spring.application.name at the web server's port once it has started. */
  private boolean register = true;

  /** How long the registry keeps an instance that stopped renewing; unset keeps the SDK's default of 10 s. */
  private Duration ttl;

  /** The instance this application registers. */
  private final Instance instance = new Instance();

  /**
   * The registry URI.
   *
   * @return the URI, or null to read {@code DISCOVERY_REGISTRY}
   */
  public String getRegistry() {
    return registry;
  }

  /**
   * Sets the registry URI.
   *
   * @param registry the URI, or null to read {@code DISCOVERY_REGISTRY}
   */
  public void setRegistry(String registry) {
    this.registry = registry;
  }

  /**
   * Whether this application registers itself.
   *
   * @return true (the default) to register once the web server has started
   */
  public boolean isRegister() {
    return register;
  }

  /**
   * Sets whether this application registers itself.
   *
   * @param register false for an application that only resolves other services
   */
  public void setRegister(boolean register) {
    this.register = register;
  }

  /**
   * The registration TTL.
   *
   * @return the TTL, or null for the SDK's default (10 s)
   */
  public Duration getTtl() {
    return ttl;
  }

  /**
   * Sets the registration TTL.
   *
   * @param ttl the TTL, or null for the SDK's default (10 s)
   */
  public void setTtl(Duration ttl) {
    this.ttl = ttl;
  }

  /**
   * The instance this application registers.
   *
   * @return its settings, never null
   */
  public Instance getInstance() {
    return instance;
  }

  /** What the registered instance says about itself beyond its name and port. */
  public static class Instance {
    /** Address to register; unset detects one (DISCOVERY_HOST, else a site-local address of an interface that is up). */
    private String host;

    /** Availability zone, for callers that prefer their own zone. */
    private String zone;

    /** Relative share of traffic for weighted policies, 1 to 1,000,000; unset is 1. */
    private Integer weight;

    /** Free-form pairs registered with the instance. */
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /**
     * The address to register.
     *
     * @return the host, or null to detect one
     */
    public String getHost() {
      return host;
    }

    /**
     * Sets the address to register.
     *
     * @param host a hostname or IP address, or null to detect one
     */
    public void setHost(String host) {
      this.host = host;
    }

    /**
     * The availability zone.
     *
     * @return the zone, or null when unknown
     */
    public String getZone() {
      return zone;
    }

    /**
     * Sets the availability zone.
     *
     * @param zone the zone, or null when unknown
     */
    public void setZone(String zone) {
      this.zone = zone;
    }

    /**
     * The weight.
     *
     * @return the weight, or null for 1
     */
    public Integer getWeight() {
      return weight;
    }

    /**
     * Sets the weight.
     *
     * @param weight 1 to 1,000,000, or null for 1
     */
    public void setWeight(Integer weight) {
      this.weight = weight;
    }

    /**
     * The metadata, bound from {@code discovery.instance.metadata.*}.
     *
     * @return a mutable map, never null
     */
    public Map<String, String> getMetadata() {
      return metadata;
    }
  }
}
