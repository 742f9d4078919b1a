package io.discovery.client;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The address this machine registers at when none is given: {@value #ENV} when set, else (as Spring
 * Cloud's {@code InetUtils} does) a site-local IPv4 address of the lowest-numbered interface that is
 * up, not loopback and not virtual, else any such non-loopback address, else the loopback address.
 */
public final class HostAddress {
  /** The environment variable that names the address outright (an IP or a host name). */
  public static final String ENV = "DISCOVERY_HOST";

  /** The chosen address and why it was chosen, for the log. */
  public record Choice(String host, String reason) {
  }

  /** One address of one network interface. */
  record Candidate(String interfaceName, int interfaceIndex, InetAddress address, boolean up, boolean loopback,
                   boolean virtual) {
  }

  private HostAddress() {
  }

  /**
   * This machine's address from {@value #ENV} or its network interfaces. Never fails: with no usable
   * interface it falls back to {@code 127.0.0.1} and says so in the reason.
   *
   * @return the host (an IPv6 address in brackets) and why it was chosen
   */
  public static Choice detect() {
    return choose(System.getenv(ENV), interfaces());
  }

  static Choice choose(String fromEnv, List<Candidate> candidates) {
    if (fromEnv != null && !fromEnv.isBlank()) {
      return new Choice(fromEnv.trim(), ENV + " is set");
    }
    List<Candidate> usable = new ArrayList<>();
    for (Candidate c : candidates) {
      if (c.up() && !c.loopback() && !c.virtual() && !c.address().isLoopbackAddress() && !c.address().isLinkLocalAddress()) {
        usable.add(c);
      }
    }
    usable.sort(Comparator.comparingInt(Candidate::interfaceIndex));
    Optional<Candidate> siteLocal = usable.stream()
        .filter(c -> c.address() instanceof Inet4Address && c.address().isSiteLocalAddress()).findFirst();
    if (siteLocal.isPresent()) {
      return new Choice(siteLocal.get().address().getHostAddress(),
          "the site-local IPv4 address of " + siteLocal.get().interfaceName());
    }
    Optional<Candidate> ipv4 = usable.stream().filter(c -> c.address() instanceof Inet4Address).findFirst();
    if (ipv4.isPresent()) {
      return new Choice(ipv4.get().address().getHostAddress(), "the first non-loopback IPv4 address, of "
          + ipv4.get().interfaceName() + " (no site-local one)");
    }
    if (!usable.isEmpty()) {
      String ip = usable.get(0).address().getHostAddress();
      int zone = ip.indexOf('%');
      return new Choice("[" + (zone < 0 ? ip : ip.substring(0, zone)) + "]", "the first non-loopback address, of "
          + usable.get(0).interfaceName() + " (no IPv4 one)");
    }
    return new Choice("127.0.0.1", "no interface has a non-loopback address: only this machine can reach it; set " + ENV);
  }

  private static List<Candidate> interfaces() {
    List<Candidate> result = new ArrayList<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        boolean up = nic.isUp();
        boolean loopback = nic.isLoopback();
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
          result.add(new Candidate(nic.getName(), nic.getIndex(), address, up, loopback, nic.isVirtual()));
        }
      }
    } catch (SocketException e) {
      // no interface list: the loopback fallback, with its reason, is the answer
    }
    return result;
  }
}
