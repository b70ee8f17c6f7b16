package io.switchboard.core.engine;

/** An idempotency key was reused with a different message: the retry is not a retry. */
public class IdempotencyConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public IdempotencyConflictException(String message) {
    super(message);
  }
}
