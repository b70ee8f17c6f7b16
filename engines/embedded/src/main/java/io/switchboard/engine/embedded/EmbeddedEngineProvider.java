package io.switchboard.engine.embedded;

import io.switchboard.core.engine.Engine;
import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.engine.EngineProvider;

/** The {@code embedded} engine: durable, in the data directory; the default. */
public final class EmbeddedEngineProvider implements EngineProvider {
  @Override
  public String name() {
    return "embedded";
  }

  @Override
  public Engine open(EngineContext context) {
    return EmbeddedEngine.open(context);
  }
}
