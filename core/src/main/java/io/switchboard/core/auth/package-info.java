/**
 * Who may do what: the grants a caller holds, whether they cover a channel, a pattern or a queue,
 * and the one {@link io.switchboard.core.auth.Authorizer} every transport asks before it acts.
 * How a caller proves who it is (a signed token, a cookie) belongs to the transports; what that
 * proof allows is decided only here.
 */
package io.switchboard.core.auth;
