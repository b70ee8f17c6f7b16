/** The bounded outbound buffer shared by the push transports (event streams, WebSockets). Internal. */
package io.switchboard.server.outbound;
