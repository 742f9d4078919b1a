package io.discovery.client.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The parts of the DNS wire format (RFC 1035, RFC 2782 for SRV, RFC 3596 for AAAA) that SRV resolution needs. */
final class DnsMessage {
  static final int TYPE_A = 1;
  static final int TYPE_CNAME = 5;
  static final int TYPE_SRV = 33;
  static final int TYPE_AAAA = 28;
  static final int RCODE_NXDOMAIN = 3;

  /** One resource record; {@code data} is an address, a target name or a {@link Srv}. */
  record Record(String name, int type, long ttlSeconds, Object data) {
  }

  /** SRV record data. */
  record Srv(int priority, int weight, int port, String target) {
  }

  /** A parsed response. */
  record Response(int id, boolean truncated, int rcode, List<Record> answers, List<Record> additional) {
  }

  private DnsMessage() {
  }

  /** A recursive query for {@code name} of {@code type}. */
  static byte[] query(int id, String name, int type) {
    ByteBuffer out = ByteBuffer.allocate(512);
    out.putShort((short) id).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0).putShort((short) 0).putShort((short) 0);
    for (String label : name.split("\\.")) {
      if (label.isEmpty()) {
        continue;
      }
      byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
      if (bytes.length > 63) {
        throw new IllegalArgumentException("invalid DNS name '" + name + "': label '" + label + "' is longer than 63 characters");
      }
      out.put((byte) bytes.length).put(bytes);
    }
    out.put((byte) 0).putShort((short) type).putShort((short) 1);
    byte[] message = new byte[out.position()];
    out.flip().get(message);
    return message;
  }

  /** Parses a response; throws {@link IllegalArgumentException} when it is malformed. */
  static Response parse(byte[] bytes, int length) {
    ByteBuffer in = ByteBuffer.wrap(bytes, 0, length);
    try {
      int id = in.getShort() & 0xFFFF;
      int flags = in.getShort() & 0xFFFF;
      int questions = in.getShort() & 0xFFFF;
      int answers = in.getShort() & 0xFFFF;
      int authority = in.getShort() & 0xFFFF;
      int additional = in.getShort() & 0xFFFF;
      for (int i = 0; i < questions; i++) {
        name(in, bytes);
        if (in.remaining() < 4) {
          throw new IllegalArgumentException("truncated or malformed DNS response: question cut short");
        }
        in.position(in.position() + 4);
      }
      List<Record> answerRecords = records(in, bytes, answers);
      records(in, bytes, authority);
      List<Record> additionalRecords = records(in, bytes, additional);
      return new Response(id, (flags & 0x0200) != 0, flags & 0x000F, answerRecords, additionalRecords);
    } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
      throw new IllegalArgumentException("truncated or malformed DNS response");
    }
  }

  private static List<Record> records(ByteBuffer in, byte[] bytes, int count) {
    List<Record> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String name = name(in, bytes);
      int type = in.getShort() & 0xFFFF;
      in.getShort(); // class
      long ttl = in.getInt() & 0xFFFFFFFFL;
      int length = in.getShort() & 0xFFFF;
      int end = in.position() + length;
      if (end > in.limit()) {
        throw new IllegalArgumentException("truncated or malformed DNS response: a record runs past the end");
      }
      Object data = switch (type) {
        case TYPE_A, TYPE_AAAA -> address(in, length);
        case TYPE_SRV -> new Srv(in.getShort() & 0xFFFF, in.getShort() & 0xFFFF, in.getShort() & 0xFFFF, name(in, bytes));
        case TYPE_CNAME -> name(in, bytes);
        default -> null;
      };
      in.position(end);
      records.add(new Record(name, type, ttl, data));
    }
    return records;
  }

  private static InetAddress address(ByteBuffer in, int length) {
    byte[] raw = new byte[length];
    in.get(raw);
    try {
      return InetAddress.getByAddress(raw);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("address record of " + length + " bytes");
    }
  }

  /** A possibly compressed name (RFC 1035 4.1.4), lower case, without the trailing dot. */
  private static String name(ByteBuffer in, byte[] bytes) {
    StringBuilder name = new StringBuilder();
    int position = in.position();
    int jumps = 0;
    boolean jumped = false;
    while (true) {
      if (position >= in.limit()) {
        throw new IllegalArgumentException("truncated or malformed DNS response: a name runs past the end");
      }
      int length = bytes[position] & 0xFF;
      if ((length & 0xC0) == 0xC0) {
        if (++jumps > 64) {
          throw new IllegalArgumentException("DNS name compression loop");
        }
        int pointer = ((length & 0x3F) << 8) | (bytes[position + 1] & 0xFF);
        if (!jumped) {
          in.position(position + 2);
          jumped = true;
        }
        position = pointer;
        continue;
      }
      if (length == 0) {
        if (!jumped) {
          in.position(position + 1);
        }
        return name.toString().toLowerCase(Locale.ROOT);
      }
      if (name.length() > 0) {
        name.append('.');
      }
      name.append(new String(bytes, position + 1, length, StandardCharsets.US_ASCII));
      position += 1 + length;
    }
  }
}
