package io.switchboard.engine.memory;

import io.switchboard.core.engine.JobStore;
import io.switchboard.core.jobs.JobStoreContract;

class MemoryJobStoreTest extends JobStoreContract {
  private final MemoryJobStore store = new MemoryJobStore();

  @Override
  protected JobStore store() {
    return store;
  }
}
