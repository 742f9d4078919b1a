package io.discovery.client.etcd;

/**
 * A user and password for etcd's authentication. The password never appears in {@link #toString()},
 * logs or messages.
 */
record EtcdCredentials(String user, String password) {

  EtcdCredentials {
    if (user == null || user.isEmpty()) {
      throw new IllegalArgumentException("invalid etcd user '" + user + "': expected a user name before ':' in the URI's user-info");
    }
    if (password == null) {
      throw new IllegalArgumentException("no password for etcd user '" + user + "': expected user:password@ in the URI");
    }
  }

  /** The credentials in a URI's raw user-info ({@code user:password}, percent-encoded), or null without one. */
  static EtcdCredentials fromUserInfo(String rawUserInfo) {
    if (rawUserInfo == null) {
      return null;
    }
    int colon = rawUserInfo.indexOf(':');
    String user = decode(colon < 0 ? rawUserInfo : rawUserInfo.substring(0, colon));
    return new EtcdCredentials(user, colon < 0 ? null : decode(rawUserInfo.substring(colon + 1)));
  }

  private static String decode(String text) {
    return java.net.URLDecoder.decode(text.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "EtcdCredentials{user=" + user + ", password=(hidden)}";
  }
}
