package io.switchboard.server.config;

/**
 * A setting is missing, malformed or out of range. The message is one line that names the setting,
 * the value and where it came from; the CLI prints it and stops.
 */
public class SettingsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SettingsException(String message) {
    super(message);
  }
}
