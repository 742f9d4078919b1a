package io.discovery.client.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A DNS server for unit tests, on one loopback port over UDP and TCP: it answers each question from
 * what the test set for that name and type, for failure modes and message shapes that dnsmasq
 * cannot be made to produce on purpose (truncation, silence, stray ids, server errors).
 */
final class ScriptedDns implements AutoCloseable {
  /** What to do with a UDP question. */
  enum Udp { ANSWER, TRUNCATE, SILENT, STRAY_ID_FIRST }

  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final List<String> questions = new CopyOnWriteArrayList<>();
  private volatile Udp udpMode = Udp.ANSWER;

  /** The records of one answer. */
  static final class Answer {
    final int rcode;
    final List<byte[]> answerRecords = new ArrayList<>();
    final List<byte[]> additionalRecords = new ArrayList<>();

    Answer(int rcode) {
      this.rcode = rcode;
    }

    Answer srv(String name, int priority, int weight, int port, String target, int ttl) {
      ByteBuffer data = ByteBuffer.allocate(300);
      data.putShort((short) priority).putShort((short) weight).putShort((short) port).put(name(target));
      answerRecords.add(record(name, DnsMessage.TYPE_SRV, ttl, Arrays.copyOf(data.array(), data.position())));
      return this;
    }

    Answer a(String name, String address, int ttl) {
      answerRecords.add(address(name, address, ttl));
      return this;
    }

    Answer extraA(String name, String address, int ttl) {
      additionalRecords.add(address(name, address, ttl));
      return this;
    }

    private static byte[] address(String name, String address, int ttl) {
      try {
        byte[] raw = InetAddress.getByName(address).getAddress();
        return record(name, raw.length == 4 ? DnsMessage.TYPE_A : DnsMessage.TYPE_AAAA, ttl, raw);
      } catch (IOException e) {
        throw new IllegalArgumentException(address, e);
      }
    }
  }

  static Answer answer() {
    return new Answer(0);
  }

  static Answer error(int rcode) {
    return new Answer(rcode);
  }

  ScriptedDns() throws IOException {
    tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), tcp.getLocalPort()));
    Thread u = new Thread(this::serveUdp, "scripted-dns-udp");
    u.setDaemon(true);
    u.start();
    Thread t = new Thread(this::serveTcp, "scripted-dns-tcp");
    t.setDaemon(true);
    t.start();
  }

  String server() {
    return "127.0.0.1:" + tcp.getLocalPort();
  }

  InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), tcp.getLocalPort());
  }

  ScriptedDns on(String name, int type, Answer answer) {
    answers.put(name + "/" + type, answer);
    return this;
  }

  ScriptedDns udp(Udp mode) {
    this.udpMode = mode;
    return this;
  }

  /** Questions asked so far, as "transport name/type". */
  List<String> questions() {
    return questions;
  }

  private void serveUdp() {
    byte[] buffer = new byte[512];
    while (!udp.isClosed()) {
      try {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        udp.receive(packet);
        Question q = question(Arrays.copyOf(buffer, packet.getLength()));
        questions.add("udp " + q.key());
        Udp mode = udpMode;
        if (mode == Udp.SILENT) {
          continue;
        }
        if (mode == Udp.STRAY_ID_FIRST) {
          byte[] stray = response(q.id() ^ 0x5555, q, false);
          udp.send(new DatagramPacket(stray, stray.length, packet.getSocketAddress()));
        }
        byte[] out = response(q.id(), q, mode == Udp.TRUNCATE);
        udp.send(new DatagramPacket(out, out.length, packet.getSocketAddress()));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serveTcp() {
    while (!tcp.isClosed()) {
      try (Socket s = tcp.accept()) {
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] query = new byte[in.readUnsignedShort()];
        in.readFully(query);
        Question q = question(query);
        questions.add("tcp " + q.key());
        byte[] out = response(q.id(), q, false);
        DataOutputStream o = new DataOutputStream(s.getOutputStream());
        o.writeShort(out.length);
        o.write(out);
        o.flush();
      } catch (IOException e) {
        if (tcp.isClosed()) {
          return;
        }
      }
    }
  }

  private record Question(int id, String name, int type, byte[] wire) {
    String key() {
      return name + "/" + type;
    }
  }

  private static Question question(byte[] query) {
    ByteBuffer in = ByteBuffer.wrap(query);
    int id = in.getShort() & 0xFFFF;
    in.position(12);
    StringBuilder name = new StringBuilder();
    int start = 12;
    for (int len = in.get() & 0xFF; len != 0; len = in.get() & 0xFF) {
      byte[] label = new byte[len];
      in.get(label);
      name.append(name.length() > 0 ? "." : "").append(new String(label, StandardCharsets.US_ASCII));
    }
    int type = in.getShort() & 0xFFFF;
    in.getShort();
    return new Question(id, name.toString(), type, Arrays.copyOfRange(query, start, in.position()));
  }

  private byte[] response(int id, Question q, boolean truncate) {
    Answer a = answers.getOrDefault(q.key(), error(DnsMessage.RCODE_NXDOMAIN));
    List<byte[]> an = truncate ? List.of() : a.answerRecords;
    List<byte[]> ad = truncate ? List.of() : a.additionalRecords;
    ByteBuffer out = ByteBuffer.allocate(65535);
    int flags = 0x8180 | a.rcode | (truncate ? 0x0200 : 0);
    out.putShort((short) id).putShort((short) flags).putShort((short) 1).putShort((short) an.size()).putShort((short) 0)
        .putShort((short) ad.size());
    out.put(q.wire());
    an.forEach(out::put);
    ad.forEach(out::put);
    return Arrays.copyOf(out.array(), out.position());
  }

  private static byte[] record(String name, int type, int ttl, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(512);
    b.put(name(name)).putShort((short) type).putShort((short) 1).putInt(ttl).putShort((short) data.length).put(data);
    return Arrays.copyOf(b.array(), b.position());
  }

  private static byte[] name(String name) {
    ByteBuffer b = ByteBuffer.allocate(300);
    for (String label : name.split("\\.")) {
      if (!label.isEmpty()) {
        byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
        b.put((byte) bytes.length).put(bytes);
      }
    }
    b.put((byte) 0);
    return Arrays.copyOf(b.array(), b.position());
  }

  @Override
  public void close() {
    udp.close();
    try {
      tcp.close();
    } catch (IOException e) {
      // closing
    }
  }
}
