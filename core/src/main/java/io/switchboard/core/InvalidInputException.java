package io.switchboard.core;

/**
 * Input from outside the server broke one of the documented rules: a channel name, a pattern, a
 * cursor, a parameter. The message names the offending value and the rule, and is safe to show
 * to the client that sent it; transports turn it into a 400 answer.
 */
public class InvalidInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private static final int MAX_SHOWN = 64;

  public InvalidInputException(String detail) {
    super(detail);
  }

  /**
   * {@code value} as an error message shows it: quoted, cut to {@value #MAX_SHOWN} characters,
   * anything but printable ASCII escaped, so that hostile input can neither flood a message nor
   * inject lines into it.
   */
  public static String quote(String value) {
    if (value == null) {
      return "(none)";
    }
    String cut = value.length() > MAX_SHOWN ? value.substring(0, MAX_SHOWN) : value;
    StringBuilder out = new StringBuilder(cut.length() + 8).append('"');
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out.append(value.length() > MAX_SHOWN ? "...\"" : "\"").toString();
  }
}
