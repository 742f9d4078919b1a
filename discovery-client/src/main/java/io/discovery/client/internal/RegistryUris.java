package io.discovery.client.internal;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** Parsing shared by backend factories: {@code scheme://host:port[,host:port...][/path]}. */
public final class RegistryUris {
  private RegistryUris() {
  }

  /**
   * The URI's comma-separated {@code host:port} list; throws {@link IllegalArgumentException} naming
   * the bad element and giving {@code example} (e.g. "127.0.0.1:2379").
   *
   * @param uri      the registry URI; its user-info, if any, is skipped
   * @param registry the registry's name for messages, e.g. "etcd"
   * @param example  a valid {@code host:port} for messages
   * @return the {@code host:port} elements in the URI's order, trimmed; never empty
   * @throws IllegalArgumentException if the URI has no authority or an element has no valid port
   */
  public static List<String> hostPorts(URI uri, String registry, String example) {
    String authority = uri.getRawAuthority();
    if (authority != null && authority.contains("@")) {
      authority = authority.substring(authority.lastIndexOf('@') + 1); // user-info is the backend's to read
    }
    if (authority == null || authority.isBlank()) {
      throw new IllegalArgumentException("invalid " + registry + " URI '" + redacted(uri) + "': expected " + uri.getScheme()
          + "://host:port[,host:port][/path], e.g. " + uri.getScheme() + "://" + example);
    }
    List<String> result = new ArrayList<>();
    for (String hostPort : authority.split(",")) {
      String trimmed = hostPort.trim();
      int colon = trimmed.lastIndexOf(':');
      boolean valid = colon > 0 && colon < trimmed.length() - 1;
      if (valid) {
        try {
          int port = Integer.parseInt(trimmed.substring(colon + 1));
          valid = port > 0 && port <= 65535;
        } catch (NumberFormatException e) {
          valid = false;
        }
      }
      if (!valid) {
        throw new IllegalArgumentException("invalid " + registry + " server '" + hostPort + "' in '" + redacted(uri)
            + "': expected host:port, e.g. " + example);
      }
      result.add(trimmed);
    }
    return result;
  }

  /**
   * Parses {@code text} as a URI; throws {@link IllegalArgumentException} naming the {@code registry}
   * and the reason, with the text {@link #redacted} (the JDK's own message quotes it whole).
   *
   * @param text     the URI, surrounding blanks ignored; not null
   * @param registry the registry's name for messages, e.g. "etcd"
   * @return the parsed URI
   * @throws IllegalArgumentException if {@code text} is not a URI
   */
  public static URI parse(String text, String registry) {
    try {
      return new URI(text.trim());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("invalid " + registry + " URI '" + redacted(text) + "': " + e.getReason()
          + " at index " + e.getIndex());
    }
  }

  /**
   * The URI as text with a password in its user-info and any {@code token=} value hidden, for messages.
   *
   * @param uri the URI
   * @return the text, with "(hidden)" in place of each secret
   */
  public static String redacted(URI uri) {
    return redacted(uri.toString());
  }

  /**
   * {@link #redacted(URI)} for a URI that may not parse.
   *
   * @param uri the URI as text, not null
   * @return the text, with "(hidden)" in place of each secret
   */
  public static String redacted(String uri) {
    return uri.replaceAll("(//[^/:@]*:)[^/]*@", "$1(hidden)@").replaceAll("(?i)(token=)[^&]*", "$1(hidden)");
  }

  /**
   * The URI's path without trailing slashes, or {@code fallback} when it has none.
   *
   * @param uri      the registry URI
   * @param fallback the path to use when the URI has none (or only "/")
   * @return the path, e.g. "/services", or {@code fallback}
   */
  public static String path(URI uri, String fallback) {
    String path = uri.getPath() == null ? "" : uri.getPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return path.isEmpty() ? fallback : path;
  }
}
