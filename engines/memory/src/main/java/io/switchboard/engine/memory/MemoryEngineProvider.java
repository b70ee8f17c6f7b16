package io.switchboard.engine.memory;

import io.switchboard.core.engine.Engine;
import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.engine.EngineProvider;

/** {@code --engine memory}. */
public final class MemoryEngineProvider implements EngineProvider {
  @Override
  public String name() {
    return "memory";
  }

  @Override
  public Engine open(EngineContext context) {
    return new MemoryEngine(context);
  }
}
