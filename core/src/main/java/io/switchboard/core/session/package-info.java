/**
 * Stateful sessions: the server keeps a client's subscription set and acknowledged position, so a
 * client that carries nothing but the session id reads on where it left off, at least once.
 * {@link io.switchboard.core.session.Sessions} is the service; engines store
 * {@link io.switchboard.core.session.Session} records through
 * {@link io.switchboard.core.engine.SessionStore}.
 */
package io.switchboard.core.session;
