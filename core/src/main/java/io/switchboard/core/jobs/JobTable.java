package io.switchboard.core.jobs;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The jobs of a store that keeps them in memory, indexed for what a store is asked: by id, the
 * queued ones of each queue in claim order, the running ones by lease end, and counts by status.
 * The memory engine is this table; the embedded engine keeps one in front of its disk.
 *
 * <p>Threads: every method is synchronized on the table, so each is atomic; a store that must do
 * more in the same atomic step (queue the disk write of a change, in the order of the changes)
 * synchronizes on the table around the call.
 */
public final class JobTable {
  private record LeaseEnd(long at, String id) implements Comparable<LeaseEnd> {
    @Override
    public int compareTo(LeaseEnd other) {
      int byTime = Long.compare(at, other.at);
      return byTime != 0 ? byTime : id.compareTo(other.id);
    }
  }

  private final Map<String, Job> jobs = new HashMap<>();
  private final Map<String, TreeMap<Long, String>> queuedBySequence = new HashMap<>();
  private final NavigableSet<LeaseEnd> leaseEnds = new TreeSet<>();
  private final Map<String, EnumMap<JobStatus, Long>> counts = new HashMap<>();
  private long lastSequence;

  /** Stores a new job at the end of its queue; returns it with its sequence. */
  public synchronized Job submit(Job job) {
    if (jobs.containsKey(job.id())) {
      throw new IllegalArgumentException("job " + job.id() + " exists already");
    }
    Job placed = job.withSequence(++lastSequence);
    put(placed);
    return placed;
  }

  /** Puts a job as it was stored, e.g. when loading a store at start-up. */
  public synchronized void restore(Job job) {
    Job previous = jobs.get(job.id());
    if (previous != null) {
      unindex(previous);
    }
    lastSequence = Math.max(lastSequence, job.sequence());
    put(job);
  }

  public synchronized Optional<Job> find(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  public synchronized Optional<Job> claim(String queue, Lease lease, long now) {
    TreeMap<Long, String> queued = queuedBySequence.get(queue);
    if (queued == null || queued.isEmpty()) {
      return Optional.empty();
    }
    Job claimed = jobs.get(queued.firstEntry().getValue()).claimed(lease, now);
    replaceUnchecked(claimed);
    return Optional.of(claimed);
  }

  /** Stores {@code changed} if the stored job is the revision before it; see {@code JobStore.replace}. */
  public synchronized boolean replace(Job changed) {
    Job stored = jobs.get(changed.id());
    if (stored == null || stored.revision() != changed.revision() - 1) {
      return false;
    }
    replaceUnchecked(changed);
    return true;
  }

  public synchronized List<Job> leasesEndedBy(long now, int limit) {
    List<Job> ended = new ArrayList<>();
    for (LeaseEnd end : leaseEnds) {
      if (end.at > now || ended.size() == limit) {
        break;
      }
      ended.add(jobs.get(end.id));
    }
    return ended;
  }

  public synchronized List<Job> awaitingCallback(int limit) {
    return jobs.values().stream().filter(Job::awaitsCallback).limit(limit).toList();
  }

  public synchronized JobCounts count(String queue) {
    return new JobCounts(counts.getOrDefault(queue, new EnumMap<>(JobStatus.class)));
  }

  /** Removes the jobs that ended before {@code time} and await no callback; returns them. */
  public synchronized List<Job> removeEndedBefore(long time) {
    List<Job> removed = jobs.values().stream()
        .filter(job -> job.endedAt().isPresent() && job.endedAt().getAsLong() < time && !job.awaitsCallback())
        .toList();
    for (Job job : removed) {
      unindex(job);
      jobs.remove(job.id());
    }
    return removed;
  }

  private void replaceUnchecked(Job changed) {
    unindex(jobs.get(changed.id()));
    put(changed);
  }

  private void put(Job job) {
    jobs.put(job.id(), job);
    if (job.status() == JobStatus.QUEUED) {
      queuedBySequence.computeIfAbsent(job.queue(), queue -> new TreeMap<>()).put(job.sequence(), job.id());
    }
    job.lease().ifPresent(lease -> leaseEnds.add(new LeaseEnd(lease.expiresAt(), job.id())));
    counts.computeIfAbsent(job.queue(), queue -> new EnumMap<>(JobStatus.class)).merge(job.status(), 1L, Long::sum);
  }

  private void unindex(Job job) {
    if (job.status() == JobStatus.QUEUED) {
      TreeMap<Long, String> queued = queuedBySequence.get(job.queue());
      queued.remove(job.sequence());
      if (queued.isEmpty()) {
        queuedBySequence.remove(job.queue());
      }
    }
    job.lease().ifPresent(lease -> leaseEnds.remove(new LeaseEnd(lease.expiresAt(), job.id())));
    EnumMap<JobStatus, Long> queueCounts = counts.get(job.queue());
    if (queueCounts.merge(job.status(), -1L, Long::sum) == 0) {
      queueCounts.remove(job.status());
      if (queueCounts.isEmpty()) {
        counts.remove(job.queue());
      }
    }
  }
}
