/** Injected time: the core reads a {@link java.time.Clock} and schedules through a {@link io.switchboard.core.time.Scheduler}. API. */
package io.switchboard.core.time;
