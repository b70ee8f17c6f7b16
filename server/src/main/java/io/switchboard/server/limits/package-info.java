/**
 * What one client may take of the server: connections in total and per address, publishes per
 * second, and time to send a request. Transports consult these before they do the work; the core
 * knows nothing of clients' addresses or connections.
 */
package io.switchboard.server.limits;
