package io.switchboard.core.message;

/**
 * The outcome of a publish.
 *
 * @param message the stored message (for a replay: the one stored the first time)
 * @param replayed true when an earlier publish with the same idempotency key was found and
 *     nothing new was stored
 */
public record Appended(Message message, boolean replayed) {}
