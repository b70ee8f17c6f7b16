package io.switchboard.core.message;

import io.switchboard.core.cursor.Cursor;

/** Where a read starts. The same three starting points hold for every transport. */
public sealed interface StartPosition {
  /** After the message with this cursor (what {@code after=} says). */
  record After(Cursor cursor) implements StartPosition {}

  /** At the oldest retained message ({@code from=earliest}). */
  record Earliest() implements StartPosition {}

  /** At the end of the channel: only what is published from now on (the default). */
  record Latest() implements StartPosition {}

  static StartPosition after(Cursor cursor) {
    return new After(cursor);
  }

  static StartPosition earliest() {
    return new Earliest();
  }

  static StartPosition latest() {
    return new Latest();
  }
}
