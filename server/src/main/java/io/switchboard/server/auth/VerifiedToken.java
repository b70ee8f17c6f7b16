package io.switchboard.server.auth;

import io.switchboard.core.auth.Grants;
import java.time.Instant;
import java.util.Optional;

/**
 * What a token that passed verification says.
 *
 * @param subject its {@code sub}
 * @param grants its {@code switchboard} claim
 * @param expiresAt its {@code exp}
 */
public record VerifiedToken(Optional<String> subject, Grants grants, Optional<Instant> expiresAt) {}
