/** The memory engine: volatile, in-process, the fastest. Only {@link io.switchboard.engine.memory.MemoryEngineProvider} is meant to be used from outside, through the engine SPI. */
package io.switchboard.engine.memory;
