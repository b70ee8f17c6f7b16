package io.switchboard.server.auth;

/**
 * A token was presented but cannot be trusted: malformed, unsigned, signed with another key or
 * algorithm, expired or not yet valid. The message is safe to show the caller and never repeats
 * the token; transports answer 401.
 */
public final class InvalidTokenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidTokenException(String detail) {
    super(detail, null, false, false);
  }
}
