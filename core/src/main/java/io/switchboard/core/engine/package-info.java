/**
 * The engine SPI: what an engine (memory, embedded, redis) implements so that the broker and every
 * transport work unchanged on top of it. Nothing here may assume a single process.
 */
package io.switchboard.core.engine;
