package io.switchboard.engine.memory;

/** How long and how many idempotency keys a channel remembers. */
record IdempotencySettings(long windowMillis, int keysPerChannel) {}
