package io.discovery.client.dns;

import io.discovery.client.RegistryUnavailableException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;

/** Asks one DNS server over UDP, and again over TCP when the answer is truncated. */
final class DnsClient {
  private static final SecureRandom IDS = new SecureRandom();
  private final InetSocketAddress server;
  private final Duration timeout;
  private final int attempts;

  DnsClient(InetSocketAddress server, Duration timeout, int attempts) {
    this.server = server;
    this.timeout = timeout;
    this.attempts = attempts;
  }

  InetSocketAddress server() {
    return server;
  }

  DnsMessage.Response ask(String name, int type) {
    int id = IDS.nextInt(0x10000);
    byte[] query = DnsMessage.query(id, name, type);
    DnsMessage.Response response = null;
    IOException last = null;
    for (int attempt = 0; attempt < attempts && response == null; attempt++) {
      try {
        response = udp(query, id);
      } catch (IOException e) {
        last = e;
      }
    }
    if (response == null) {
      throw new RegistryUnavailableException("DNS server " + server + " did not answer " + name + " after " + attempts
          + " attempts of " + timeout.toMillis() + " ms: " + last, last);
    }
    if (response.truncated()) {
      try {
        response = tcp(query, id);
      } catch (IOException e) {
        throw new RegistryUnavailableException("DNS server " + server + " truncated the answer for " + name + " and failed over TCP: " + e, e);
      }
    }
    return response;
  }

  private DnsMessage.Response udp(byte[] query, int id) throws IOException {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout((int) timeout.toMillis());
      socket.send(new DatagramPacket(query, query.length, server));
      byte[] buffer = new byte[4096];
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.receive(packet);
        DnsMessage.Response response = DnsMessage.parse(buffer, packet.getLength());
        if (response.id() == id) {
          return response;
        }
        if (System.nanoTime() > deadline) {
          throw new SocketTimeoutException("no answer with id " + id);
        }
      }
    }
  }

  private DnsMessage.Response tcp(byte[] query, int id) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(server, (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      out.writeShort(query.length);
      out.write(query);
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] buffer = new byte[in.readUnsignedShort()];
      in.readFully(buffer);
      DnsMessage.Response response = DnsMessage.parse(buffer, buffer.length);
      if (response.id() != id) {
        throw new IOException("answer id " + response.id() + " does not match query id " + id);
      }
      return response;
    }
  }
}
