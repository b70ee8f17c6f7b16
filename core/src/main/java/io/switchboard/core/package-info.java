/**
 * Switchboard's core: the channel model every transport and engine shares.
 *
 * <p>API (used by transports): {@code channel}, {@code cursor}, {@code message}, {@code retention},
 * {@code broker}, {@code time}. SPI (implemented by engines): {@code engine}. Nothing here depends
 * on HTTP or Vert.x; a transport only adapts these types to its wire format.
 */
package io.switchboard.core;
