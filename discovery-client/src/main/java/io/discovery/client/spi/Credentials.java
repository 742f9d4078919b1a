package io.discovery.client.spi;

import java.net.URI;

/**
 * A user and password for a registry, from a URI's user-info ({@code scheme://user:password@host})
 * or a builder. The password never appears in {@link #toString()}, logs or messages.
 */
public record Credentials(String user, String password) {

  /**
   * Checks both values.
   *
   * @param user     not null or empty
   * @param password not null; may be empty
   * @throws IllegalArgumentException if the user is missing or empty, or the password is null
   */
  public Credentials {
    if (user == null || user.isEmpty()) {
      throw new IllegalArgumentException("invalid user '" + user + "': expected a user name before ':' in the URI's user-info");
    }
    if (password == null) {
      throw new IllegalArgumentException("no password for user '" + user + "': expected user:password@ in the URI");
    }
  }

  /**
   * The credentials in the URI's user-info (percent-encoded {@code user:password}), or null without
   * one. Read from the raw authority: with several hosts the JDK parses no user-info.
   *
   * @param uri the registry URI
   * @return the decoded credentials, or null when the URI has no user-info
   * @throws IllegalArgumentException if the user-info has no password or an empty user
   */
  public static Credentials fromUri(URI uri) {
    String authority = uri.getRawAuthority();
    if (authority == null || !authority.contains("@")) {
      return null;
    }
    String userInfo = authority.substring(0, authority.lastIndexOf('@'));
    int colon = userInfo.indexOf(':');
    String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
    return new Credentials(user, colon < 0 ? null : decode(userInfo.substring(colon + 1)));
  }

  private static String decode(String text) {
    return java.net.URLDecoder.decode(text.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "Credentials{user=" + user + ", password=(hidden)}";
  }
}
