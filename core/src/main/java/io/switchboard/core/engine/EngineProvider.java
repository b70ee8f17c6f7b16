package io.switchboard.core.engine;

/**
 * Opens an engine by name ({@code memory}, later {@code embedded}, {@code redis}). Providers are
 * found with {@link java.util.ServiceLoader}, so an engine module only needs to be on the class path.
 */
public interface EngineProvider {
  /** The name users select with {@code --engine}. */
  String name();

  /**
   * Opens the engine; it is ready to serve when this returns.
   *
   * @throws EngineException when the engine cannot start, with a message fit for an operator
   */
  Engine open(EngineContext context);
}
