package io.switchboard.core.jobs;

import java.util.EnumMap;
import java.util.Map;

/** How many jobs of one queue are in each status. */
public record JobCounts(Map<JobStatus, Long> byStatus) {
  public JobCounts {
    EnumMap<JobStatus, Long> complete = new EnumMap<>(JobStatus.class);
    for (JobStatus status : JobStatus.values()) {
      complete.put(status, byStatus.getOrDefault(status, 0L));
    }
    byStatus = Map.copyOf(complete);
  }

  public long of(JobStatus status) {
    return byStatus.get(status);
  }

  public long total() {
    return byStatus.values().stream().mapToLong(Long::longValue).sum();
  }
}
