package io.switchboard.engine.memory;

import io.switchboard.core.engine.SessionStore;
import io.switchboard.core.session.SessionStoreContract;

class MemorySessionStoreTest extends SessionStoreContract {
  private final MemorySessionStore store = new MemorySessionStore();

  @Override
  protected SessionStore store() {
    return store;
  }
}
