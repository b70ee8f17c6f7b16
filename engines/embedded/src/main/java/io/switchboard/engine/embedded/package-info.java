/**
 * The durable default engine: channel logs and sessions in RocksDB, in the data directory.
 *
 * <p>{@link io.switchboard.engine.embedded.EmbeddedEngine} keeps each channel's position in memory
 * ({@link io.switchboard.engine.embedded.ChannelState}), hands out offsets under the channel's lock
 * and writes through one {@link io.switchboard.engine.embedded.GroupCommit} thread, so that
 * concurrent appends share a disk sync. {@link io.switchboard.engine.embedded.Store} owns the
 * RocksDB handles, {@link io.switchboard.engine.embedded.Keys} and
 * {@link io.switchboard.engine.embedded.Records} the byte layout of keys and values.
 */
package io.switchboard.engine.embedded;
