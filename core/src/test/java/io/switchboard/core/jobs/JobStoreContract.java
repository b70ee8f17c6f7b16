package io.switchboard.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.engine.JobStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every engine's {@link JobStore} must do; each engine's test extends this with its store.
 * The contract registers the store's one listener before each test, and records what it is told.
 */
public abstract class JobStoreContract {
  protected static final long NOW = 1_700_000_000_000L;
  private static final long LEASE = 30_000;

  /** What the listener was told, in order. */
  protected record Change(Job job, Optional<JobStatus> before, boolean local) {}

  protected final List<Change> changes = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();

  /** The store under test: a new, empty one for each test, the same instance for the whole test. */
  protected abstract JobStore store();

  @BeforeEach
  void listen() {
    store().listen((job, before, local) -> changes.add(new Change(job, before, local)));
  }

  protected static <T> T done(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception failed) {
      throw new AssertionError("the store did not answer", failed);
    }
  }

  /** A well-formed job id, different for each call. */
  protected String nextId() {
    String number = Integer.toString(ids.incrementAndGet());
    return "J".repeat(22 - number.length()) + number;
  }

  protected Job submit(String queue) {
    return submit(queue, Optional.empty());
  }

  protected Job submit(String queue, Optional<String> callbackUrl) {
    return done(store().submit(Job.submitted(nextId(), queue, "data", 3, callbackUrl, NOW)));
  }

  protected static Lease lease(String token, long expiresAt) {
    return new Lease(token, expiresAt);
  }

  protected Optional<Job> claim(String queue) {
    return done(store().claim(queue, lease("token-" + queue, NOW + LEASE), NOW));
  }

  protected Job find(String id) {
    return done(store().find(id)).orElseThrow(() -> new AssertionError("job " + id + " is not in the store"));
  }

  protected boolean replace(Job changed) {
    return done(store().replace(changed));
  }

  @Test
  void aSubmittedJobIsStoredQueuedWithALaterSequenceThanEveryJobBefore() {
    Job first = submit("emails");
    Job second = submit("images");
    Job third = submit("emails");

    assertThat(first.sequence()).isPositive();
    assertThat(second.sequence()).isGreaterThan(first.sequence());
    assertThat(third.sequence()).isGreaterThan(second.sequence());
    assertThat(find(first.id())).isEqualTo(first);
    assertThat(first.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(first.revision()).isZero();
    assertThat(first.queue()).isEqualTo("emails");
  }

  @Test
  void anUnknownJobIsNotFound() {
    submit("emails");

    assertThat(done(store().find("AAAAAAAAAAAAAAAAAAAAAA"))).isEmpty();
  }

  @Test
  void aClaimTakesTheOldestQueuedJobOfItsOwnQueue() {
    Job email1 = submit("emails");
    Job image1 = submit("images");
    Job email2 = submit("emails");
    Job email3 = submit("emails");

    assertThat(claim("emails")).map(Job::id).contains(email1.id());
    assertThat(claim("emails")).map(Job::id).contains(email2.id());
    assertThat(claim("images")).map(Job::id).contains(image1.id());
    assertThat(claim("images")).isEmpty();
    assertThat(claim("emails")).map(Job::id).contains(email3.id());
    assertThat(claim("emails")).isEmpty();
  }

  @Test
  void aClaimedJobRunsUnderTheClaimsLeaseWithOneAttemptMore() {
    Job submitted = submit("emails");
    Lease lease = lease("the-token", NOW + 5_000);

    Job claimed = done(store().claim("emails", lease, NOW + 7)).orElseThrow();

    assertThat(claimed).isEqualTo(submitted.claimed(lease, NOW + 7));
    assertThat(claimed.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(claimed.attempt()).isEqualTo(1);
    assertThat(claimed.lease()).contains(lease);
    assertThat(claimed.revision()).isEqualTo(1);
    assertThat(find(submitted.id())).isEqualTo(claimed);
  }

  @Test
  void aClaimOnAnEmptyOrUnknownQueueFindsNothing() {
    assertThat(claim("emails")).isEmpty();
    Job only = submit("emails");
    claim("emails");

    assertThat(claim("emails")).isEmpty();
    assertThat(claim("never-used")).isEmpty();
    assertThat(find(only.id()).status()).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void aJobPutBackInTheQueueIsClaimedBeforeLaterJobs() {
    Job first = submit("emails");
    Job second = submit("emails");
    Job claimed = claim("emails").orElseThrow();

    assertThat(replace(claimed.requeued("worker crashed", NOW + 1))).isTrue();

    Job again = claim("emails").orElseThrow();
    assertThat(again.id()).isEqualTo(first.id());
    assertThat(again.attempt()).isEqualTo(2);
    assertThat(claim("emails")).map(Job::id).contains(second.id());
  }

  @Test
  void replaceStoresOnlyTheRevisionAfterTheStoredOne() {
    Job submitted = submit("emails");
    Job claimed = claim("emails").orElseThrow();

    assertThat(replace(submitted.claimed(lease("stale", NOW + 1), NOW))).as("made from a stale copy").isFalse();
    assertThat(replace(claimed.succeeded("r", NOW).succeeded("r", NOW))).as("a revision skipped").isFalse();
    assertThat(find(submitted.id())).isEqualTo(claimed);

    Job succeeded = claimed.succeeded("result", NOW + 2);
    assertThat(replace(succeeded)).isTrue();
    assertThat(find(submitted.id())).isEqualTo(succeeded);
  }

  @Test
  void ofTwoChangesMadeFromTheSameCopyOnlyTheFirstIsStored() {
    submit("emails");
    Job claimed = claim("emails").orElseThrow();

    assertThat(replace(claimed.succeeded("by the worker", NOW + 1))).isTrue();
    assertThat(replace(claimed.requeued("by the sweep", NOW + 1))).isFalse();

    assertThat(find(claimed.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(claim("emails")).isEmpty();
  }

  @Test
  void replacingAnUnknownJobStoresNothing() {
    Job neverSubmitted = Job.submitted(nextId(), "emails", "d", 1, Optional.empty(), NOW).withSequence(1);

    assertThat(replace(neverSubmitted.claimed(lease("t", NOW + 1), NOW))).isFalse();
    assertThat(done(store().find(neverSubmitted.id()))).isEmpty();
    assertThat(changes).isEmpty();
  }

  @Test
  void leasesEndedByListsRunningJobsWhoseLeaseEndedAtOrBeforeTheTimeSoonestFirst() {
    for (int i = 0; i < 4; i++) {
      submit("emails");
    }
    Job endsThird = done(store().claim("emails", lease("a", NOW + 30), NOW)).orElseThrow();
    Job endsFirst = done(store().claim("emails", lease("b", NOW + 10), NOW)).orElseThrow();
    Job endsSecond = done(store().claim("emails", lease("c", NOW + 20), NOW)).orElseThrow();
    Job completed = done(store().claim("emails", lease("d", NOW + 5), NOW)).orElseThrow();
    replace(completed.succeeded("r", NOW + 1));

    assertThat(done(store().leasesEndedBy(NOW + 9, 100))).isEmpty();
    assertThat(done(store().leasesEndedBy(NOW + 10, 100))).extracting(Job::id).containsExactly(endsFirst.id());
    assertThat(done(store().leasesEndedBy(NOW + 25, 100))).extracting(Job::id).containsExactly(endsFirst.id(), endsSecond.id());
    assertThat(done(store().leasesEndedBy(NOW + 1_000, 2))).extracting(Job::id).containsExactly(endsFirst.id(), endsSecond.id());
    assertThat(done(store().leasesEndedBy(NOW + 1_000, 100))).extracting(Job::id)
        .containsExactly(endsFirst.id(), endsSecond.id(), endsThird.id());
    assertThat(done(store().leasesEndedBy(NOW + 10, 100))).containsExactly(find(endsFirst.id()));
  }

  @Test
  void aLeaseEndFollowsHeartbeatsAndIsForgottenWhenTheJobLeavesRunning() {
    submit("emails");
    submit("emails");
    Job extended = done(store().claim("emails", lease("a", NOW + 10), NOW)).orElseThrow();
    Job requeued = done(store().claim("emails", lease("b", NOW + 10), NOW)).orElseThrow();

    replace(extended.leaseExtended(NOW + 100, NOW + 5));
    replace(requeued.requeued("gave up", NOW + 5));

    assertThat(done(store().leasesEndedBy(NOW + 50, 100))).isEmpty();
    assertThat(done(store().leasesEndedBy(NOW + 100, 100))).extracting(Job::id).containsExactly(extended.id());
  }

  @Test
  void awaitingCallbackListsEndedJobsWhoseCallbackIsStillToBeMade() {
    Job toCall = submit("emails", Optional.of("https://example.com/a"));
    Job delivered = submit("emails", Optional.of("https://example.com/b"));
    Job stillQueued = submit("emails", Optional.of("https://example.com/c"));
    Job withoutCallback = submit("images");
    Job endedToCall = claimAndSucceed("emails", toCall.id());
    Job endedDelivered = claimAndSucceed("emails", delivered.id());
    claimAndSucceed("images", withoutCallback.id());
    replace(endedDelivered.withCallback(endedDelivered.callback().orElseThrow().delivered(), NOW + 2));

    assertThat(done(store().awaitingCallback(100))).containsExactly(find(endedToCall.id()));
    assertThat(find(stillQueued.id()).status()).isEqualTo(JobStatus.QUEUED);
  }

  @Test
  void awaitingCallbackListsNoMoreThanTheLimit() {
    for (int i = 0; i < 3; i++) {
      Job job = submit("emails", Optional.of("https://example.com/" + i));
      claimAndSucceed("emails", job.id());
    }

    assertThat(done(store().awaitingCallback(2))).hasSize(2);
    assertThat(done(store().awaitingCallback(100))).hasSize(3);
  }

  private Job claimAndSucceed(String queue, String expectedId) {
    Job claimed = claim(queue).orElseThrow();
    assertThat(claimed.id()).isEqualTo(expectedId);
    Job succeeded = claimed.succeeded("ok", NOW + 1);
    assertThat(replace(succeeded)).isTrue();
    return succeeded;
  }

  @Test
  void countsTellHowManyJobsOfAQueueAreInEachStatus() {
    submit("emails");
    submit("emails");
    submit("emails");
    submit("images");
    Job running = claim("emails").orElseThrow();
    Job toFail = claim("emails").orElseThrow();
    replace(toFail.failed("bad address", NOW + 1));

    JobCounts emails = done(store().count("emails"));
    assertThat(emails.of(JobStatus.QUEUED)).isEqualTo(1);
    assertThat(emails.of(JobStatus.RUNNING)).isEqualTo(1);
    assertThat(emails.of(JobStatus.FAILED)).isEqualTo(1);
    assertThat(emails.of(JobStatus.SUCCEEDED)).isZero();
    assertThat(emails.total()).isEqualTo(3);
    assertThat(done(store().count("images")).of(JobStatus.QUEUED)).isEqualTo(1);
    assertThat(done(store().count("unknown")).total()).isZero();

    replace(running.succeeded("sent", NOW + 2));
    assertThat(done(store().count("emails")).of(JobStatus.RUNNING)).isZero();
    assertThat(done(store().count("emails")).of(JobStatus.SUCCEEDED)).isEqualTo(1);
  }

  @Test
  void removeEndedBeforeRemovesOnlyJobsThatEndedEarlierAndAwaitNoCallback() {
    Job early = endAt(submit("q"), NOW + 1);
    Job earlyWithCallback = endAt(submit("q", Optional.of("https://example.com/")), NOW + 1);
    Job atTheTime = endAt(submit("q"), NOW + 5);
    Job queued = submit("q");

    assertThat(done(store().removeEndedBefore(NOW + 5))).isEqualTo(1);

    assertThat(done(store().find(early.id()))).isEmpty();
    assertThat(find(earlyWithCallback.id())).isEqualTo(earlyWithCallback);
    assertThat(find(atTheTime.id())).isEqualTo(atTheTime);
    assertThat(find(queued.id())).isEqualTo(queued);
    assertThat(done(store().count("q")).of(JobStatus.SUCCEEDED)).isEqualTo(2);
    assertThat(replace(early.withCallback(Callback.pending("https://example.com/"), NOW + 6))).as("a removed job stays removed").isFalse();
    assertThat(done(store().removeEndedBefore(NOW + 5))).isZero();
  }

  @Test
  void aJobWhoseCallbackWasMadeIsRemovedOnceItsRetentionIsOver() {
    Job ended = endAt(submit("q", Optional.of("https://example.com/")), NOW + 1);
    replace(ended.withCallback(ended.callback().orElseThrow().delivered(), NOW + 2));

    assertThat(done(store().removeEndedBefore(NOW + 5))).isEqualTo(1);
    assertThat(done(store().find(ended.id()))).isEmpty();
    assertThat(done(store().count("q")).total()).isZero();
  }

  private Job endAt(Job queued, long endedAt) {
    Job claimed = done(store().claim(queued.queue(), lease("t", endedAt + 1_000), endedAt)).orElseThrow();
    assertThat(claimed.id()).isEqualTo(queued.id());
    Job ended = claimed.succeeded("ok", endedAt);
    assertThat(replace(ended)).isTrue();
    return ended;
  }

  @Test
  void theListenerIsToldEveryStoredChangeInOrderWithTheStatusBefore() {
    Job submitted = submit("emails");
    Job claimed = claim("emails").orElseThrow();
    Job extended = claimed.leaseExtended(NOW + 60_000, NOW + 1);
    replace(extended);
    replace(claimed.succeeded("stale copy", NOW + 2));
    Job requeued = extended.requeued("crashed", NOW + 3);
    replace(requeued);
    Job again = claim("emails").orElseThrow();
    Job succeeded = again.succeeded("done", NOW + 4);
    replace(succeeded);
    claim("emails");

    assertThat(changes).containsExactly(
        new Change(submitted, Optional.empty(), true),
        new Change(claimed, Optional.of(JobStatus.QUEUED), true),
        new Change(extended, Optional.of(JobStatus.RUNNING), true),
        new Change(requeued, Optional.of(JobStatus.RUNNING), true),
        new Change(again, Optional.of(JobStatus.QUEUED), true),
        new Change(succeeded, Optional.of(JobStatus.RUNNING), true));
  }

  @Test
  void removalsAreNotReportedAsChanges() {
    Job ended = endAt(submit("q"), NOW);
    int told = changes.size();

    done(store().removeEndedBefore(NOW + 1));

    assertThat(changes).hasSize(told);
    assertThat(changes.get(told - 1).job()).isEqualTo(ended);
  }

  @Test
  void concurrentClaimsTakeEveryJobExactlyOnce() throws Exception {
    int jobs = 300;
    int threads = 8;
    Set<String> submitted = new HashSet<>();
    for (int i = 0; i < jobs; i++) {
      submitted.add(submit("work").id());
    }
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<List<Job>>> claimers = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        String token = "worker-" + t;
        claimers.add(pool.submit(() -> {
          go.await();
          List<Job> mine = new ArrayList<>();
          for (Optional<Job> next = claimAs(token); next.isPresent(); next = claimAs(token)) {
            mine.add(next.get());
          }
          return mine;
        }));
      }
      go.countDown();
      List<String> claimed = new ArrayList<>();
      for (Future<List<Job>> claimer : claimers) {
        for (Job job : claimer.get(30, TimeUnit.SECONDS)) {
          assertThat(job.attempt()).isEqualTo(1);
          claimed.add(job.id());
        }
      }

      assertThat(claimed).hasSize(jobs).doesNotHaveDuplicates();
      assertThat(new HashSet<>(claimed)).isEqualTo(submitted);
      assertThat(done(store().count("work")).of(JobStatus.RUNNING)).isEqualTo(jobs);
      assertThat(changes.stream().filter(change -> change.job().status() == JobStatus.RUNNING).map(change -> change.job().id()))
          .hasSize(jobs).doesNotHaveDuplicates();
    } finally {
      pool.shutdownNow();
    }
  }

  private Optional<Job> claimAs(String token) {
    return done(store().claim("work", lease(token, NOW + LEASE), NOW));
  }
}
