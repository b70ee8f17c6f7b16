/**
 * What the server tells operators about itself at {@code GET /metrics}, in the Prometheus text
 * format, through Micrometer: read from the core and the transports when scraped, so that
 * nothing is counted twice and the hot paths carry at most a counter increment.
 */
package io.switchboard.server.metrics;
