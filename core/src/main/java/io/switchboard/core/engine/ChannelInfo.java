package io.switchboard.core.engine;

import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import java.util.Optional;

/**
 * What an engine holds for one channel.
 *
 * @param name the channel
 * @param retained how many messages retention still holds
 * @param earliest the position just before the oldest retained message ({@code after=} this reads
 *     everything retained)
 * @param last the id of the newest message, if the channel has one
 * @param lastTime when the newest message was stored, epoch milliseconds
 */
public record ChannelInfo(ChannelName name, long retained, Cursor earliest, Optional<Cursor> last, Optional<Long> lastTime) {}
