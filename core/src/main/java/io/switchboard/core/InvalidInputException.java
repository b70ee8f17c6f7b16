package io.switchboard.core;

/**
 * Input from outside the server broke one of the documented rules: a channel name, a pattern, a
 * cursor, a parameter. The message names the offending value and the rule, and is safe to show
 * to the client that sent it; transports turn it into a 400 answer.
 */
public class InvalidInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String detail) {
    super(detail);
  }
}
