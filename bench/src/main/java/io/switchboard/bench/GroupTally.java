package io.switchboard.bench;

import java.util.List;
import java.util.SortedMap;
import org.HdrHistogram.Histogram;

/**
 * What the subscribers of one or more {@link SubscriberGroup}s counted.
 *
 * @param subscribers subscribers the run tried to open
 * @param subscribed those that were confirmed subscribed
 * @param deliveriesInWindow deliveries received inside the measured window, duplicates included
 * @param latencyMicros publish-to-receipt latency of the deliveries of messages due inside the window
 * @param lost messages accepted inside the window that a subscribed subscriber never received, summed over subscribers
 * @param duplicated deliveries of a message a subscriber had already received (whole run)
 * @param reordered deliveries that arrived after a later message of their channel (whole run)
 * @param errorsByCause every failure of the subscribers in the whole run, by cause
 */
record GroupTally(long subscribers, long subscribed, long deliveriesInWindow, Histogram latencyMicros, long lost,
    long duplicated, long reordered, SortedMap<String, Long> errorsByCause) {
  /** Copies the histogram, so that a tally shares no state with the group that made it. */
  GroupTally {
    latencyMicros = latencyMicros.copy();
  }

  static GroupTally sum(List<GroupTally> tallies) {
    Histogram latencies = Latencies.histogram();
    long subscribers = 0;
    long subscribed = 0;
    long deliveries = 0;
    long lost = 0;
    long duplicated = 0;
    long reordered = 0;
    for (GroupTally tally : tallies) {
      subscribers += tally.subscribers();
      subscribed += tally.subscribed();
      deliveries += tally.deliveriesInWindow();
      lost += tally.lost();
      duplicated += tally.duplicated();
      reordered += tally.reordered();
      latencies.add(tally.latencyMicros());
    }
    return new GroupTally(subscribers, subscribed, deliveries, latencies, lost, duplicated, reordered,
        ErrorCounts.sum(tallies.stream().map(GroupTally::errorsByCause).toList()));
  }

  long errors() {
    return ErrorCounts.total(errorsByCause);
  }
}
