package io.discovery.client.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.discovery.client.RegistryAccessDeniedException;
import io.discovery.client.RegistryUnavailableException;
import io.discovery.client.ServiceInstance;
import io.discovery.client.spi.RegistryBackend;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Authentication against a scripted gateway: which answers mean "authenticate again" and which mean "stop". */
class EtcdAuthTest {
  private static final ServiceInstance A = ServiceInstance.of("payments", "10.0.0.1:80");
  private static final String AUTHENTICATE = "/v3/auth/authenticate";
  private final ScriptedEtcd etcd = new ScriptedEtcd();
  private RegistryBackend backend;

  @AfterEach
  void close() {
    if (backend != null) {
      backend.close();
    }
    etcd.close();
  }

  private RegistryBackend backend(String userInfo) {
    backend = etcd.backend(userInfo);
    return backend;
  }

  private List<String> authorizations() {
    return etcd.calls.stream().map(c -> c.path() + " " + c.headers().get("Authorization")).toList();
  }

  @Test
  void theFirstCallAuthenticatesAndEveryCallCarriesTheToken() {
    etcd.then(AUTHENTICATE, 200, "{\"header\":{},\"token\":\"tok.1\"}");

    backend("alice:s3cret@").register(A, Duration.ofSeconds(10));

    assertThat(authorizations()).containsExactly(AUTHENTICATE + " null", "/v3/lease/grant tok.1", "/v3/kv/put tok.1");
    ScriptedEtcd.Call auth = etcd.calls(AUTHENTICATE).get(0);
    assertThat(auth.body().path("name").asText()).isEqualTo("alice");
    assertThat(auth.body().path("password").asText()).isEqualTo("s3cret");
  }

  @ParameterizedTest
  @ValueSource(strings = {"etcdserver: invalid auth token", "etcdserver: auth token is expired",
      "etcdserver: revision of auth store is old", "etcdserver: user name is empty"})
  void aRefusedTokenIsReplacedOnceAndTheCallRepeated(String error) {
    etcd.then(AUTHENTICATE, 200, "{\"token\":\"tok.1\"}")
        .then("/v3/lease/grant", 400, "{\"error\":\"" + error + "\",\"code\":3}")
        .then(AUTHENTICATE, 200, "{\"token\":\"tok.2\"}");

    backend("alice:s3cret@").register(A, Duration.ofSeconds(10));

    assertThat(authorizations()).containsExactly(AUTHENTICATE + " null", "/v3/lease/grant tok.1", AUTHENTICATE + " null",
        "/v3/lease/grant tok.2", "/v3/kv/put tok.2");
  }

  @Test
  void anUnauthorizedStatusAlsoMeansANewToken() {
    etcd.then(AUTHENTICATE, 200, "{\"token\":\"tok.1\"}")
        .then("/v3/lease/grant", 401, "{}")
        .then(AUTHENTICATE, 200, "{\"token\":\"tok.2\"}");

    backend("alice:s3cret@").register(A, Duration.ofSeconds(10));

    assertThat(authorizations()).contains("/v3/lease/grant tok.2");
  }

  @Test
  void otherErrorsDoNotCostAnAuthentication() {
    etcd.then(AUTHENTICATE, 200, "{\"token\":\"tok.1\"}")
        .then("/v3/lease/grant", 400, "{\"error\":\"etcdserver: permission denied\",\"code\":7}");

    assertThatThrownBy(() -> backend("alice:s3cret@").register(A, Duration.ofSeconds(10)))
        .hasMessageContaining("permission denied");
    assertThat(etcd.calls(AUTHENTICATE)).hasSize(1);
  }

  @Test
  void aWrongPasswordIsAccessDeniedNamingTheUserNotThePassword() {
    etcd.then(AUTHENTICATE, 400, "{\"error\":\"etcdserver: authentication failed, invalid user ID or password\",\"code\":3}");

    assertThatThrownBy(() -> backend("alice:s3cret@").register(A, Duration.ofSeconds(10)))
        .isInstanceOf(RegistryAccessDeniedException.class)
        .hasMessageContaining("etcd refused to authenticate user 'alice': etcdserver: authentication failed")
        .hasMessageContaining("check the user and password in the registry URI")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void anEtcdWithoutAuthNeedsNoToken() {
    etcd.then(AUTHENTICATE, 400, "{\"error\":\"etcdserver: authentication is not enabled\",\"code\":9}");

    backend("alice:s3cret@").register(A, Duration.ofSeconds(10));

    assertThat(authorizations()).containsExactly(AUTHENTICATE + " null", "/v3/lease/grant null", "/v3/kv/put null");
  }

  @Test
  void anAnswerWithoutATokenIsAnOutageNotADenial() {
    etcd.then(AUTHENTICATE, 200, "{\"header\":{}}");
    assertThatThrownBy(() -> backend("alice:s3cret@").register(A, Duration.ofSeconds(10)))
        .isInstanceOf(RegistryUnavailableException.class).hasMessage("etcd could not authenticate user 'alice': HTTP 200");

    etcd.then(AUTHENTICATE, 400, "{\"error\":\"etcdserver: too many requests\"}");
    assertThatThrownBy(() -> backend.register(A, Duration.ofSeconds(10)))
        .isInstanceOf(RegistryUnavailableException.class).hasMessage("etcd could not authenticate user 'alice': etcdserver: too many requests");
  }

  @Test
  void withoutCredentialsNothingAuthenticates() {
    backend("").register(A, Duration.ofSeconds(10));

    assertThat(authorizations()).containsExactly("/v3/lease/grant null", "/v3/kv/put null");
  }
}
