package io.discovery.client.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.tls.Certificates;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/**
 * TLS from PEM files, as registry URIs name them ({@code ?ca=...&cert=...&key=...}): a private CA to
 * trust (besides the JVM's), and a client certificate with its PKCS#8 key for mutual TLS. Not part of
 * the API: shared by the backends in this module.
 *
 * @param socketFactory the socket factory to connect with
 * @param trustManager  the trust manager behind it
 */
public record PemTls(SSLSocketFactory socketFactory, X509TrustManager trustManager) {
  private static final Pattern CERTIFICATE = Pattern.compile(
      "-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", Pattern.DOTALL);

  /**
   * Loads {@code ca} (may be null: the JVM's CAs only) and, when {@code cert} is given, the client
   * certificate in it (the first one; the rest are its chain) with {@code key}.
   *
   * @param ca   PEM file of CA certificates to trust besides the JVM's, or null
   * @param cert PEM file of the client certificate and its chain, or null; needs {@code key}
   * @param key  the client certificate's unencrypted PKCS#8 PEM key, or null; needs {@code cert}
   * @return the TLS settings
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static PemTls load(Path ca, Path cert, Path key) {
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("a client certificate needs both cert= and key=; got only "
          + (cert != null ? "cert=" + cert : "key=" + key));
    }
    HandshakeCertificates.Builder builder = new HandshakeCertificates.Builder().addPlatformTrustedCertificates();
    if (ca != null) {
      for (X509Certificate certificate : certificates(ca)) {
        builder.addTrustedCertificate(certificate);
      }
    }
    if (cert != null) {
      List<X509Certificate> chain = certificates(cert);
      String keyText = read(key);
      if (!keyText.contains("-----BEGIN PRIVATE KEY-----")) {
        throw new IllegalArgumentException("invalid key file " + key + ": expected an unencrypted PKCS#8 PEM key"
            + " (-----BEGIN PRIVATE KEY-----); convert one with: openssl pkcs8 -topk8 -nocrypt -in " + key.getFileName());
      }
      HeldCertificate held;
      try {
        held = HeldCertificate.decode(firstCertificate(cert) + "\n" + keyText);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid client certificate " + cert + " or key " + key + ": " + e.getMessage(), e);
      }
      builder.heldCertificate(held, chain.subList(1, chain.size()).toArray(new X509Certificate[0]));
    }
    HandshakeCertificates certificates = builder.build();
    return new PemTls(certificates.sslSocketFactory(), certificates.trustManager());
  }

  private static List<X509Certificate> certificates(Path file) {
    Matcher m = CERTIFICATE.matcher(read(file));
    List<X509Certificate> list = new ArrayList<>();
    while (m.find()) {
      try {
        list.add(Certificates.decodeCertificatePem(m.group()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid certificate in " + file + ": " + e.getMessage(), e);
      }
    }
    if (list.isEmpty()) {
      throw new IllegalArgumentException("no PEM certificate (-----BEGIN CERTIFICATE-----) in " + file);
    }
    return list;
  }

  private static String firstCertificate(Path file) {
    Matcher m = CERTIFICATE.matcher(read(file));
    m.find();
    return m.group();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e, e);
    }
  }
}
