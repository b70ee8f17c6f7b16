package io.switchboard.core.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.channel.ChannelPattern;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.cursor.StreamCursor;
import io.switchboard.core.message.Message;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SessionTest {
  private static final ChannelName ORDERS = ChannelName.of("orders.42");

  private static Session session() {
    Message seen = new Message(ORDERS, Cursor.of(ORDERS, 77, 5), 1_000, "x", Optional.empty());
    StreamCursor position = StreamCursor.since(900).after(seen);
    return new Session("AAAAAAAAAAAAAAAAAAAAAA", List.of(ChannelPattern.of("orders.*"), ChannelPattern.of("chat.>")), position,
        800, 1_200, 60_000, "alice");
  }

  @Test
  void encodingRoundTripsEveryField() {
    Session original = session();

    assertThat(Session.decode(original.encode())).isEqualTo(original);
  }

  @Test
  void aRecordWrittenBeforeSessionsHadOwnersBelongsToNobody() {
    byte[] current = session().encode();
    int ownerBytes = 2 + "alice".length();
    byte[] withoutOwner = java.util.Arrays.copyOf(current, current.length - ownerBytes);
    withoutOwner[0] = 1;

    Session decoded = Session.decode(withoutOwner);

    assertThat(decoded.owner()).isEmpty();
    assertThat(decoded.patterns()).isEqualTo(session().patterns());
    assertThat(decoded.position()).isEqualTo(session().position());
  }

  @Test
  void bytesThatAreNotASessionAreRefusedWithAnIllegalArgument() {
    assertThatThrownBy(() -> Session.decode(new byte[] {9, 1, 2})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("format 9");
    assertThatThrownBy(() -> Session.decode(new byte[] {1, 0})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("damaged");
    byte[] truncated = java.util.Arrays.copyOf(session().encode(), 20);
    assertThatThrownBy(() -> Session.decode(truncated)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void itExpiresIdleTimeoutAfterItsLastUse() {
    Session session = session();

    assertThat(session.expiresAt()).isEqualTo(61_200);
    assertThat(session.isExpiredAt(61_199)).isFalse();
    assertThat(session.isExpiredAt(61_200)).isTrue();
    assertThat(session.usedAt(5_000).expiresAt()).isEqualTo(65_000);
  }

  @Test
  void itCoversTheChannelsItsPatternsMatch() {
    Session session = session();

    assertThat(session.covers(ORDERS)).isTrue();
    assertThat(session.covers(ChannelName.of("chat.lobby.eu"))).isTrue();
    assertThat(session.covers(ChannelName.of("orders.42.items"))).isFalse();
    assertThat(session.covers(ChannelName.of("billing"))).isFalse();
  }
}
