package io.switchboard.core.engine;

import io.switchboard.core.message.Message;

/**
 * Told about each appended message. Messages of one channel arrive one at a time and in channel
 * order; the listener may be called on an engine's thread, sometimes while the engine holds the
 * channel's lock, so it must be quick and must never block.
 */
@FunctionalInterface
public interface AppendListener {
  void onAppended(Message message);
}
