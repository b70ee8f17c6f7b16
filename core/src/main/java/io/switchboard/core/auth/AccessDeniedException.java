package io.switchboard.core.auth;

/**
 * The caller may not do what it asked. The message says what was missing and is safe to show the
 * caller; transports answer 401 when {@link #needsCredentials()} (no token was presented, and
 * anonymous rights do not allow it) and 403 otherwise.
 */
public final class AccessDeniedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean needsCredentials;

  AccessDeniedException(boolean needsCredentials, String detail) {
    super(detail, null, false, false);
    this.needsCredentials = needsCredentials;
  }

  public boolean needsCredentials() {
    return needsCredentials;
  }
}
