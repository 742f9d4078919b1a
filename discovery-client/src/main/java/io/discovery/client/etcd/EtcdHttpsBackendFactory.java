package io.discovery.client.etcd;

/** {@code etcd+https://host:port[,...][?ca=&cert=&key=]}: etcd's JSON gateway over TLS; see {@link EtcdBackendFactory}. */
public final class EtcdHttpsBackendFactory extends EtcdBackendFactory {
  @Override
  public String scheme() {
    return "etcd+https";
  }
}
