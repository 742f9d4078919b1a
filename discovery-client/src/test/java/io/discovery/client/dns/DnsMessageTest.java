package io.discovery.client.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DnsMessageTest {

  /** A response to an SRV query whose answer names the target through a compression pointer. */
  private static byte[] srvResponse() {
    ByteBuffer b = ByteBuffer.allocate(512);
    b.putShort((short) 0x1234).putShort((short) 0x8180).putShort((short) 1).putShort((short) 1).putShort((short) 0).putShort((short) 1);
    int question = b.position();
    b.put(DnsMessage.query(0, "_p._tcp.x", DnsMessage.TYPE_SRV), 12, DnsMessage.query(0, "_p._tcp.x", DnsMessage.TYPE_SRV).length - 12);
    b.putShort((short) (0xC000 | question)).putShort((short) 33).putShort((short) 1).putInt(30);
    int target = b.position() + 2 + 6;
    b.putShort((short) (6 + 2 + 2)).putShort((short) 1).putShort((short) 5).putShort((short) 8080);
    b.put((byte) 1).put((byte) 'h').put((byte) 0xC0).put((byte) (question + 3 + 5)); // "h" + pointer to "x"
    b.putShort((short) (0xC000 | target)).putShort((short) 1).putShort((short) 1).putInt(7).putShort((short) 4)
        .put(new byte[] {127, 0, 0, 9});
    return Arrays.copyOf(b.array(), b.position());
  }

  @Test
  void parsesSrvAndAddressRecordsWithCompressedNames() {
    byte[] bytes = srvResponse();
    DnsMessage.Response response = DnsMessage.parse(bytes, bytes.length);
    assertThat(response.id()).isEqualTo(0x1234);
    assertThat(response.answers()).singleElement().satisfies(r -> {
      assertThat(r.name()).isEqualTo("_p._tcp.x");
      assertThat(r.ttlSeconds()).isEqualTo(30);
      assertThat(r.data()).isEqualTo(new DnsMessage.Srv(1, 5, 8080, "h.x"));
    });
    assertThat(response.additional()).singleElement().satisfies(r -> {
      assertThat(r.name()).isEqualTo("h.x");
      assertThat(r.data().toString()).isEqualTo("/127.0.0.9");
    });
  }

  @Test
  void truncatedAndLoopingMessagesAreRefusedNotCrashes() {
    byte[] bytes = srvResponse();
    for (int cut = 0; cut < bytes.length; cut++) {
      int length = cut;
      try {
        DnsMessage.parse(Arrays.copyOf(bytes, length), length);
      } catch (IllegalArgumentException expected) {
        assertThat(expected).hasMessageContaining("DNS");
      }
    }
    byte[] loop = Arrays.copyOf(bytes, bytes.length);
    loop[12] = (byte) 0xC0;
    loop[13] = 12; // the question's name points at itself
    assertThatThrownBy(() -> DnsMessage.parse(loop, loop.length)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("compression loop");
  }

  @Test
  void refusesLabelsLongerThan63Characters() {
    assertThatThrownBy(() -> DnsMessage.query(1, "a".repeat(64) + ".consul", DnsMessage.TYPE_SRV))
        .hasMessageContaining("longer than 63 characters");
  }
}
