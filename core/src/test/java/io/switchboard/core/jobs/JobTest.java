package io.switchboard.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobTest {
  private static final long NOW = 1_700_000_000_000L;
  private static final String ID = "AAAAAAAAAAAAAAAAAAAAAA";
  private static final Lease LEASE = new Lease("tokentokentokentokento", NOW + 30_000);

  private static Job queued(int maxAttempts) {
    return Job.submitted(ID, "images.resize", "{\"w\":100}", maxAttempts, Optional.empty(), NOW).withSequence(7);
  }

  @Test
  void aSubmittedJobIsQueuedWithNothingButWhatWasAsked() {
    Job job = Job.submitted(ID, "images.resize", "data", 3, Optional.of("https://example.com/done"), NOW);

    assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(job.attempt()).isZero();
    assertThat(job.maxAttempts()).isEqualTo(3);
    assertThat(job.revision()).isZero();
    assertThat(job.createdAt()).isEqualTo(NOW);
    assertThat(job.updatedAt()).isEqualTo(NOW);
    assertThat(job.startedAt()).isEmpty();
    assertThat(job.endedAt()).isEmpty();
    assertThat(job.lease()).isEmpty();
    assertThat(job.result()).isEmpty();
    assertThat(job.error()).isEmpty();
    assertThat(job.callback()).contains(Callback.pending("https://example.com/done"));
    assertThat(job.awaitsCallback()).as("not ended yet").isFalse();
  }

  @Test
  void aJobWithEveryOptionalFieldSurvivesEncodingAndDecoding() {
    Job full = new Job(ID, "images.resize", "päyload with ünïcode ✓ and \n newlines", JobStatus.RUNNING, 2, 5, 42, 9, NOW, NOW + 5,
        OptionalLong.of(NOW + 1), OptionalLong.of(NOW + 2), Optional.of(LEASE), Optional.of("partial ✓"), Optional.of("earlier failure"),
        Optional.of(new Callback("https://example.com/cb?x=1", Callback.State.FAILED, 3, Optional.of("503 from the callback"))));

    assertThat(Job.decode(full.encode())).isEqualTo(full);
  }

  @Test
  void aJobWithNoOptionalFieldSurvivesEncodingAndDecoding() {
    Job bare = queued(1);

    assertThat(Job.decode(bare.encode())).isEqualTo(bare);
  }

  @Test
  void emptyTextsAndACallbackWithoutErrorSurviveEncodingAndDecoding() {
    Job job = new Job(ID, "q", "", JobStatus.SUCCEEDED, 1, 1, 1, 3, NOW, NOW, OptionalLong.of(0), OptionalLong.of(NOW),
        Optional.empty(), Optional.of(""), Optional.empty(), Optional.of(Callback.pending("http://localhost:8080/")));

    assertThat(Job.decode(job.encode())).isEqualTo(job);
  }

  @Test
  void largeDataSurvivesEncodingAndDecoding() {
    Job job = Job.submitted(ID, "q", "x".repeat(200_000), 1, Optional.empty(), NOW);

    assertThat(Job.decode(job.encode())).isEqualTo(job);
  }

  @Test
  void everyCutShortRecordIsRefusedAsDamaged() {
    byte[] encoded = new Job(ID, "q", "data", JobStatus.RUNNING, 1, 3, 1, 1, NOW, NOW, OptionalLong.of(NOW), OptionalLong.empty(),
        Optional.of(LEASE), Optional.empty(), Optional.of("e"), Optional.of(Callback.pending("https://example.com/"))).encode();

    for (int length = 0; length < encoded.length; length++) {
      byte[] cut = Arrays.copyOf(encoded, length);
      assertThatThrownBy(() -> Job.decode(cut)).as("cut to %d of %d bytes", length, encoded.length)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("damaged");
    }
  }

  @Test
  void anUnknownFormatIsRefused() {
    byte[] encoded = queued(1).encode();
    encoded[0] = 2;

    assertThatThrownBy(() -> Job.decode(encoded)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("format 2");
  }

  @Test
  void anUnknownStatusIsRefused() {
    byte[] encoded = queued(1).encode();
    int statusAt = 1 + (2 + ID.length()) + (2 + "images.resize".length()) + (4 + "{\"w\":100}".length());
    assertThat(encoded[statusAt]).as("the status byte").isEqualTo((byte) JobStatus.QUEUED.ordinal());
    encoded[statusAt] = 99;

    assertThatThrownBy(() -> Job.decode(encoded)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("damaged");
  }

  @Test
  void aTextLengthRunningPastTheRecordIsRefused() {
    byte[] encoded = queued(1).encode();
    int dataLengthAt = 1 + (2 + ID.length()) + (2 + "images.resize".length());
    encoded[dataLengthAt] = 0x7f;

    assertThatThrownBy(() -> Job.decode(encoded)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("damaged");
  }

  @Test
  void aRunningJobWithoutALeaseIsRefusedWhenBuiltAndWhenDecoded() {
    Job queued = queued(1);
    assertThatThrownBy(() -> new Job(ID, "q", "d", JobStatus.RUNNING, 1, 1, 1, 1, NOW, NOW, OptionalLong.of(NOW), OptionalLong.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease");

    byte[] encoded = queued.encode();
    int statusAt = 1 + (2 + ID.length()) + (2 + "images.resize".length()) + (4 + "{\"w\":100}".length());
    encoded[statusAt] = (byte) JobStatus.RUNNING.ordinal();
    assertThatThrownBy(() -> Job.decode(encoded)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 1})
  void garbageIsRefusedAsDamaged(int seed) {
    byte[] garbage = new byte[64];
    new Random(seed).nextBytes(garbage);
    garbage[0] = 1;

    assertThatThrownBy(() -> Job.decode(garbage)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aClaimedJobRunsUnderTheLeaseWithOneAttemptMore() {
    Job queued = queued(3);

    Job claimed = queued.claimed(LEASE, NOW + 10);

    assertThat(claimed.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(claimed.attempt()).isEqualTo(1);
    assertThat(claimed.lease()).contains(LEASE);
    assertThat(claimed.startedAt()).hasValue(NOW + 10);
    assertThat(claimed.updatedAt()).isEqualTo(NOW + 10);
    assertThat(claimed.revision()).isEqualTo(queued.revision() + 1);
    assertThat(claimed.sequence()).isEqualTo(queued.sequence());
    assertThat(claimed.endedAt()).isEmpty();
    assertThat(claimed.hasAttemptsLeft()).isTrue();
  }

  @Test
  void aRequeuedJobKeepsItsPlaceAndItsAttemptAndRemembersWhy() {
    Job claimed = queued(3).claimed(LEASE, NOW);

    Job requeued = claimed.requeued("worker crashed", NOW + 20);

    assertThat(requeued.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(requeued.sequence()).isEqualTo(7);
    assertThat(requeued.attempt()).isEqualTo(1);
    assertThat(requeued.lease()).isEmpty();
    assertThat(requeued.error()).contains("worker crashed");
    assertThat(requeued.endedAt()).isEmpty();
    assertThat(requeued.updatedAt()).isEqualTo(NOW + 20);
    assertThat(requeued.revision()).isEqualTo(claimed.revision() + 1);
  }

  @Test
  void aReleasedJobGetsItsAttemptBackAndKeepsItsPlace() {
    Job queued = queued(1);
    Job claimed = queued.claimed(LEASE, NOW);

    Job released = claimed.released(NOW + 1);

    assertThat(released.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(released.attempt()).isZero();
    assertThat(released.hasAttemptsLeft()).isTrue();
    assertThat(released.sequence()).isEqualTo(queued.sequence());
    assertThat(released.lease()).isEmpty();
    assertThat(released.revision()).isEqualTo(claimed.revision() + 1);
  }

  @Test
  void aHeartbeatMovesTheLeaseEndAndKeepsTheToken() {
    Job claimed = queued(1).claimed(LEASE, NOW);

    Job extended = claimed.leaseExtended(NOW + 90_000, NOW + 5);

    assertThat(extended.lease()).contains(new Lease(LEASE.token(), NOW + 90_000));
    assertThat(extended.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(extended.revision()).isEqualTo(claimed.revision() + 1);
    assertThatThrownBy(() -> queued(1).leaseExtended(NOW, NOW)).isInstanceOf(IllegalStateException.class).hasMessageContaining("queued");
  }

  @Test
  void everyEndSetsEndedAtAndDropsTheLease() {
    Job claimed = queued(1).claimed(LEASE, NOW);

    Job succeeded = claimed.succeeded("done", NOW + 1);
    Job failed = claimed.failed("bad input", NOW + 2);
    Job dead = claimed.dead("lease ran out", NOW + 3);

    assertThat(succeeded.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(succeeded.result()).contains("done");
    assertThat(succeeded.error()).isEmpty();
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThat(failed.error()).contains("bad input");
    assertThat(failed.result()).isEmpty();
    assertThat(dead.status()).isEqualTo(JobStatus.DEAD);
    assertThat(dead.error()).contains("lease ran out");
    for (Job ended : new Job[] {succeeded, failed, dead}) {
      assertThat(ended.status().isEnded()).isTrue();
      assertThat(ended.lease()).isEmpty();
      assertThat(ended.endedAt()).hasValue(ended.updatedAt());
      assertThat(ended.startedAt()).hasValue(NOW);
      assertThat(ended.revision()).isEqualTo(claimed.revision() + 1);
    }
  }

  @Test
  void anEndedJobAwaitsItsCallbackUntilItIsDeliveredOrGivenUp() {
    Job ended = Job.submitted(ID, "q", "d", 1, Optional.of("https://example.com/"), NOW).claimed(LEASE, NOW).succeeded("r", NOW);
    assertThat(ended.awaitsCallback()).isTrue();

    Job retrying = ended.withCallback(ended.callback().orElseThrow().attemptFailed("timeout", /* giveUp= */ false), NOW + 1);
    assertThat(retrying.awaitsCallback()).isTrue();
    assertThat(retrying.callback().orElseThrow().attempts()).isEqualTo(1);
    assertThat(retrying.callback().orElseThrow().lastError()).contains("timeout");

    Job delivered = retrying.withCallback(retrying.callback().orElseThrow().delivered(), NOW + 2);
    assertThat(delivered.awaitsCallback()).isFalse();
    assertThat(delivered.callback().orElseThrow().attempts()).isEqualTo(2);
    assertThat(delivered.callback().orElseThrow().lastError()).isEmpty();

    Job givenUp = ended.withCallback(ended.callback().orElseThrow().attemptFailed("refused", /* giveUp= */ true), NOW + 1);
    assertThat(givenUp.awaitsCallback()).isFalse();
    assertThat(givenUp.callback().orElseThrow().state()).isEqualTo(Callback.State.FAILED);
    assertThat(queued(1).claimed(LEASE, NOW).succeeded("r", NOW).awaitsCallback()).as("no callback").isFalse();
  }

  @Test
  void attemptsAreLeftUntilTheLastClaim() {
    Job job = queued(2);

    assertThat(job.hasAttemptsLeft()).isTrue();
    Job first = job.claimed(LEASE, NOW);
    assertThat(first.hasAttemptsLeft()).isTrue();
    Job second = first.requeued("e", NOW).claimed(LEASE, NOW);
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(second.hasAttemptsLeft()).isFalse();
  }

  @Test
  void aLeaseIsHeldUntilItsEndAndMatchesOnlyItsOwnToken() {
    assertThat(LEASE.isHeldAt(LEASE.expiresAt() - 1)).isTrue();
    assertThat(LEASE.isHeldAt(LEASE.expiresAt())).isFalse();
    assertThat(LEASE.matches(LEASE.token())).isTrue();
    assertThat(LEASE.matches(LEASE.token() + "x")).isFalse();
    assertThat(LEASE.matches("")).isFalse();
  }

  @Test
  void countsCoverEveryStatus() {
    JobCounts counts = new JobCounts(Map.of(JobStatus.QUEUED, 2L, JobStatus.DEAD, 1L));

    assertThat(counts.of(JobStatus.QUEUED)).isEqualTo(2);
    assertThat(counts.of(JobStatus.RUNNING)).isZero();
    assertThat(counts.total()).isEqualTo(3);
  }

  @Test
  void wireNamesAreLowerCase() {
    assertThat(JobStatus.QUEUED.wireName()).isEqualTo("queued");
    assertThat(JobStatus.DEAD.wireName()).isEqualTo("dead");
    assertThat(JobStatus.RUNNING.isEnded()).isFalse();
  }
}
