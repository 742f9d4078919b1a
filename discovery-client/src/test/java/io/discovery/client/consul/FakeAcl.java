package io.discovery.client.consul;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The fake agent's ACL system, as Consul's acl package resolves tokens: off until a token is added;
 * then an unknown secret is refused with 403 "ACL not found" ({@code acl/errors.go}: ErrNotFound), the
 * anonymous token (no {@code X-Consul-Token}) holds no rights, and a missing right is a 403 whose body is
 * {@code acl.PermissionDeniedError}'s text: {@code Permission denied: token with AccessorID '<id>' lacks
 * permission 'service:write' on "payments"} (the anonymous token's text says "anonymous token" and adds a
 * sentence). Reads are not refused: entries the token may not read are dropped from a 200 answer that
 * carries {@code X-Consul-Results-Filtered-By-ACLs: true} ({@code agent/http.go} setResultsFilteredByACLs),
 * except for a request without a token, for which the server clears that flag (agent/consul/rpc.go
 * maskResultsFilteredByACLs). Rights are "service:read", "service:write" (implies read), "node:read", each
 * on every name.
 */
final class FakeAcl {
  /** Consul's well-known AccessorID of the anonymous token. */
  static final String ANONYMOUS = "00000000-0000-0000-0000-000000000002";

  private record Token(String accessorId, Set<String> rights) {
  }

  private final Map<String, Token> tokens = new LinkedHashMap<>();

  /** Turns ACLs on (if off) and adds a token. */
  void add(String secret, String accessorId, Set<String> rights) {
    tokens.put(secret, new Token(accessorId, Set.copyOf(rights)));
  }

  boolean enabled() {
    return !tokens.isEmpty();
  }

  /** Whether {@code secret} is unknown to the agent: "ACL not found". A missing token is the anonymous one. */
  boolean unknown(String secret) {
    return enabled() && secret != null && !secret.isEmpty() && !tokens.containsKey(secret);
  }

  /** Whether {@code secret} may use {@code right} (e.g. "service:write"); always with ACLs off. */
  boolean allows(String secret, String right) {
    if (!enabled()) {
      return true;
    }
    Token token = secret == null ? null : tokens.get(secret);
    if (token == null) {
      return false;
    }
    return token.rights().contains(right) || (right.equals("service:read") && token.rights().contains("service:write"));
  }

  /** The 403 body for a missing {@code right} on {@code name} (acl/errors.go PermissionDeniedError). */
  String denied(String secret, String right, String name) {
    Token token = secret == null ? null : tokens.get(secret);
    if (token == null) {
      return "Permission denied: anonymous token lacks permission '" + right + "' on \"" + name + "\". The anonymous token"
          + " is used implicitly when a request does not specify a token.";
    }
    return "Permission denied: token with AccessorID '" + token.accessorId() + "' lacks permission '" + right + "' on \"" + name + "\"";
  }
}
