package io.switchboard.core;

/** A message's data is larger than the configured maximum; nothing was stored. */
public class MessageTooLargeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MessageTooLargeException(String message) {
    super(message);
  }
}
