package io.switchboard.server.cli;

/** Exit statuses of the CLI. */
final class ExitCodes {
  static final int OK = 0;
  /** The server answered with an error, or could not be reached, or failed to start. */
  static final int FAILED = 1;
  /** A flag, argument or setting is wrong. */
  static final int USAGE = 2;

  private ExitCodes() {}
}
