package io.switchboard.engine.memory;

import io.switchboard.core.message.Message;
import java.util.Arrays;

/**
 * A growable ring of messages with O(1) access by index, append at the end and removal at the
 * front: a channel's retained history. Not thread-safe; its {@link ChannelLog} guards it.
 */
final class MessageRing {
  private static final int INITIAL_CAPACITY = 8;

  private Message[] slots = new Message[INITIAL_CAPACITY];
  private int head;
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  Message get(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("index " + index + " outside 0.." + (size - 1));
    }
    return slots[(head + index) & (slots.length - 1)];
  }

  Message first() {
    return get(0);
  }

  void addLast(Message message) {
    if (size == slots.length) {
      grow();
    }
    slots[(head + size) & (slots.length - 1)] = message;
    size++;
  }

  void removeFirst() {
    if (size == 0) {
      throw new IllegalStateException("removeFirst on an empty ring");
    }
    slots[head] = null;
    head = (head + 1) & (slots.length - 1);
    size--;
    if (size == 0) {
      head = 0;
    }
  }

  void clear() {
    java.util.Arrays.fill(slots, null);
    head = 0;
    size = 0;
  }

  private void grow() {
    Message[] bigger = new Message[slots.length * 2];
    for (int i = 0; i < size; i++) {
      bigger[i] = get(i);
    }
    Arrays.fill(slots, null);
    slots = bigger;
    head = 0;
  }
}
