package io.switchboard.core.engine;

/** The engine cannot do what was asked for reasons of its own (storage, connection, start-up). */
public class EngineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EngineException(String message) {
    super(message);
  }

  public EngineException(String message, Throwable cause) {
    super(message, cause);
  }
}
