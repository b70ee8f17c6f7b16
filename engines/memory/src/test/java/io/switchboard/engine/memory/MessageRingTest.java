package io.switchboard.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.message.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MessageRingTest {
  private static final ChannelName CHANNEL = ChannelName.of("ring");

  private final MessageRing ring = new MessageRing();

  private static Message message(long offset) {
    return new Message(CHANNEL, Cursor.of(CHANNEL, 1, offset), offset, "m" + offset, Optional.empty());
  }

  private List<Long> offsets() {
    List<Long> offsets = new ArrayList<>();
    for (int i = 0; i < ring.size(); i++) {
      offsets.add(ring.get(i).offset());
    }
    return offsets;
  }

  private static List<Long> range(long fromInclusive, long toInclusive) {
    List<Long> offsets = new ArrayList<>();
    for (long offset = fromInclusive; offset <= toInclusive; offset++) {
      offsets.add(offset);
    }
    return offsets;
  }

  @Test
  void aNewRingIsEmpty() {
    assertThat(ring.isEmpty()).isTrue();
    assertThat(ring.size()).isZero();
  }

  @Test
  void growsBeyondItsInitialCapacityKeepingOrder() {
    for (long offset = 1; offset <= 1_000; offset++) {
      ring.addLast(message(offset));
    }

    assertThat(ring.size()).isEqualTo(1_000);
    assertThat(offsets()).isEqualTo(range(1, 1_000));
    assertThat(ring.first().offset()).isEqualTo(1);
  }

  @Test
  void wrapsAroundWhenTheFrontIsRemovedAndTheBackAdded() {
    for (long offset = 1; offset <= 8; offset++) {
      ring.addLast(message(offset));
    }
    for (int i = 0; i < 5; i++) {
      ring.removeFirst();
    }
    // Capacity 8, head at 5: these land in slots 0..4, behind the head.
    for (long offset = 9; offset <= 13; offset++) {
      ring.addLast(message(offset));
    }

    assertThat(ring.size()).isEqualTo(8);
    assertThat(offsets()).isEqualTo(range(6, 13));
    assertThat(ring.first().offset()).isEqualTo(6);
  }

  @Test
  void growsWhileWrappedAroundKeepingOrder() {
    for (long offset = 1; offset <= 8; offset++) {
      ring.addLast(message(offset));
    }
    for (int i = 0; i < 3; i++) {
      ring.removeFirst();
    }
    for (long offset = 9; offset <= 40; offset++) {
      ring.addLast(message(offset));
    }

    assertThat(offsets()).isEqualTo(range(4, 40));
  }

  @Test
  void behavesAsAQueueUnderALongSlidingWindow() {
    long next = 1;
    for (int round = 0; round < 10_000; round++) {
      ring.addLast(message(next++));
      if (ring.size() > 37) {
        ring.removeFirst();
      }
    }

    assertThat(offsets()).isEqualTo(range(next - 37, next - 1));
  }

  @Test
  void removingTheLastMessageLeavesAnEmptyRingThatWorksAgain() {
    ring.addLast(message(1));
    ring.addLast(message(2));
    ring.removeFirst();
    ring.removeFirst();

    assertThat(ring.isEmpty()).isTrue();
    ring.addLast(message(3));
    assertThat(offsets()).containsExactly(3L);
  }

  @Test
  void removeFirstOnAnEmptyRingIsAnError() {
    assertThatThrownBy(ring::removeFirst).isInstanceOf(IllegalStateException.class).hasMessageContaining("empty");
  }

  @Test
  void getOutsideTheRetainedRangeIsAnError() {
    ring.addLast(message(1));

    assertThatThrownBy(() -> ring.get(1)).isInstanceOf(IndexOutOfBoundsException.class).hasMessage("index 1 outside 0..0");
    assertThatThrownBy(() -> ring.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    ring.removeFirst();
    assertThatThrownBy(ring::first).isInstanceOf(IndexOutOfBoundsException.class);
  }
}
