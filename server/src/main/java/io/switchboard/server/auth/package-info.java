/**
 * Proof of identity for the transports: verifying JSON Web Tokens with Nimbus JOSE+JWT and turning
 * their claims into the core's {@link io.switchboard.core.auth.Grants}. What a token allows is
 * decided by the core's {@link io.switchboard.core.auth.Authorizer}, never here.
 */
package io.switchboard.server.auth;
