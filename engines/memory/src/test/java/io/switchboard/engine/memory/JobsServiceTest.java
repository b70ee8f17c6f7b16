package io.switchboard.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.InvalidInputException;
import io.switchboard.core.MessageTooLargeException;
import io.switchboard.core.broker.Broker;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.engine.JobListener;
import io.switchboard.core.engine.JobStore;
import io.switchboard.core.jobs.Callback;
import io.switchboard.core.jobs.Job;
import io.switchboard.core.jobs.JobConflictException;
import io.switchboard.core.jobs.JobCounts;
import io.switchboard.core.jobs.JobSettings;
import io.switchboard.core.jobs.JobStatus;
import io.switchboard.core.jobs.Jobs;
import io.switchboard.core.jobs.Lease;
import io.switchboard.core.jobs.PendingClaim;
import io.switchboard.core.message.Message;
import io.switchboard.core.message.Publication;
import io.switchboard.core.message.StartPosition;
import io.switchboard.core.retention.RetentionPolicy;
import io.switchboard.core.retention.RetentionRules;
import io.switchboard.core.time.ManualScheduler;
import io.switchboard.core.time.MutableClock;
import io.switchboard.core.time.Scheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@link Jobs} service on the real memory engine and a broker, with time in the test's hands. */
class JobsServiceTest {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration RETENTION = Duration.ofHours(1);
  private static final int MAX_BYTES = 1_024;
  private static final JobSettings SETTINGS = new JobSettings(/* defaultAttempts= */ 3, LEASE, RETENTION, MAX_BYTES);
  private static final String UNKNOWN_ID = "AAAAAAAAAAAAAAAAAAAAAA";

  private final MutableClock clock = new MutableClock(Instant.parse("2024-03-01T12:00:00Z"));
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final MemoryEngine engine = new MemoryEngine(new EngineContext(Path.of("unused"), clock, scheduler,
      RetentionRules.uniform(RetentionPolicy.DEFAULT), Duration.ofMinutes(5), 100, EngineContext.SYNC_EACH_COMMIT));
  private final Broker broker = new Broker(engine, scheduler, 64 * 1024);
  private final List<Job> ended = new CopyOnWriteArrayList<>();
  private final List<Jobs> started = new ArrayList<>();
  private final Jobs jobs = start(engine.jobs());

  private Jobs start(JobStore store) {
    Jobs service = new Jobs(store, broker, clock, scheduler, SETTINGS, JobsServiceTest::describe);
    service.onEnded(ended::add);
    started.add(service);
    return service;
  }

  private static String describe(Job job) {
    return job.id() + " " + job.status().wireName() + " attempt " + job.attempt();
  }

  @AfterEach
  void stop() {
    started.forEach(Jobs::stop);
    broker.shutdown();
    engine.close();
  }

  /** The stage's value; its failure's cause thrown as it is. Every stage here completes at once or on the test's thread. */
  private static <T> T done(CompletionStage<T> stage) {
    CompletableFuture<T> future = stage.toCompletableFuture();
    assertThat(future).as("answered").isDone();
    try {
      return future.get(0, TimeUnit.SECONDS);
    } catch (ExecutionException failed) {
      if (failed.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new AssertionError(failed.getCause());
    } catch (Exception failed) {
      throw new AssertionError(failed);
    }
  }

  private Job submit(String queue) {
    return done(jobs.submit(queue, "payload", OptionalInt.empty(), Optional.empty()));
  }

  private Job submit(String queue, int attempts) {
    return done(jobs.submit(queue, "payload", OptionalInt.of(attempts), Optional.empty()));
  }

  private Job claimNow(String queue) {
    return done(jobs.claim(queue, LEASE, Duration.ZERO).result()).orElseThrow(() -> new AssertionError("nothing to claim in " + queue));
  }

  private Job find(String id) {
    return done(jobs.find(id)).orElseThrow(() -> new AssertionError("job " + id + " is unknown"));
  }

  private static String token(Job claimed) {
    return claimed.lease().orElseThrow().token();
  }

  private List<Message> published(Job job) {
    return done(broker.read(Jobs.channelOf(job), StartPosition.earliest(), 100)).messages();
  }

  private List<String> publishedEvents(Job job) {
    return published(job).stream().map(message -> message.event().orElse("(none)")).toList();
  }

  // ---- submission ----

  @Test
  void aSubmittedJobIsQueuedUnderAnUnguessableIdWithTheDefaultAttempts() {
    Job job = submit("images.resize");

    assertThat(job.id()).matches("[A-Za-z0-9_-]{22}");
    assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(job.maxAttempts()).isEqualTo(SETTINGS.defaultAttempts());
    assertThat(job.createdAt()).isEqualTo(clock.millis());
    assertThat(job.data()).isEqualTo("payload");
    assertThat(find(job.id())).isEqualTo(job);
    assertThat(submit("images.resize").id()).isNotEqualTo(job.id());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "orders..eu", ".orders", "orders.", "orders eu", "orders.*", "orders.>", "ördersé"})
  void aSubmissionToABadQueueNameIsRefused(String queue) {
    assertThatThrownBy(() -> done(jobs.submit(queue, "d", OptionalInt.empty(), Optional.empty())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("invalid queue name");
  }

  @Test
  void aQueueNameMayHaveUpTo200Characters() {
    String longest = "q".repeat(Jobs.MAX_QUEUE_LENGTH);

    Job job = submit(longest);

    assertThat(Jobs.channelOf(job).value()).startsWith("switchboard.jobs.qqq").endsWith("." + job.id());
    assertThatThrownBy(() -> done(jobs.submit(longest + "q", "d", OptionalInt.empty(), Optional.empty())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("longer than 200");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 101})
  void attemptsOutsideOneToAHundredAreRefused(int attempts) {
    assertThatThrownBy(() -> done(jobs.submit("q", "d", OptionalInt.of(attempts), Optional.empty())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("invalid attempts " + attempts);
  }

  @Test
  void oneAndAHundredAttemptsAreAccepted() {
    assertThat(submit("q", 1).maxAttempts()).isEqualTo(1);
    assertThat(submit("q", 100).maxAttempts()).isEqualTo(100);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://example.com/done", "/relative/path", "example.com/done", "mailto:ops@example.com",
      "http://user:secret@example.com/done", "https://user@example.com/done", "http:///no-host", "http://exa mple.com/",
      "javascript:alert(1)", ""})
  void aCallbackUrlThatIsNotAnAbsoluteHttpUrlWithoutCredentialsIsRefused(String url) {
    assertThatThrownBy(() -> done(jobs.submit("q", "d", OptionalInt.empty(), Optional.of(url))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("invalid callback URL");
    assertThat(done(jobs.count("q")).total()).as("nothing stored").isZero();
  }

  @Test
  void aCallbackUrlWithCredentialsIsRefusedSayingSo() {
    assertThatThrownBy(() -> done(jobs.submit("q", "d", OptionalInt.empty(), Optional.of("https://me:pw@example.com/"))))
        .hasMessageContaining("without credentials");
  }

  @Test
  void aTooLongCallbackUrlIsRefused() {
    String url = "https://example.com/" + "x".repeat(Jobs.MAX_CALLBACK_URL_LENGTH);

    assertThatThrownBy(() -> done(jobs.submit("q", "d", OptionalInt.empty(), Optional.of(url))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(String.valueOf(Jobs.MAX_CALLBACK_URL_LENGTH));
  }

  @Test
  void anHttpOrHttpsCallbackUrlIsKeptPendingWithTheJob() {
    Job job = done(jobs.submit("q", "d", OptionalInt.empty(), Optional.of("HTTPS://hooks.example.com:8443/jobs?id=1")));

    assertThat(job.callback()).contains(Callback.pending("HTTPS://hooks.example.com:8443/jobs?id=1"));
    assertThat(done(jobs.submit("q", "d", OptionalInt.empty(), Optional.of("http://localhost/cb"))).callback()).isPresent();
  }

  @Test
  void dataLargerThanTheMaximumIsRefusedCountingUtf8Bytes() {
    String fits = "é".repeat(MAX_BYTES / 2);
    String tooLarge = fits + "x";

    assertThat(done(jobs.submit("q", fits, OptionalInt.empty(), Optional.empty())).data()).isEqualTo(fits);
    assertThatThrownBy(() -> done(jobs.submit("q", tooLarge, OptionalInt.empty(), Optional.empty())))
        .isInstanceOf(MessageTooLargeException.class)
        .hasMessageContaining("job data");
  }

  // ---- the life of a job ----

  @Test
  void aJobGoesFromQueuedToRunningToSucceeded() {
    Job submitted = submit("images");
    clock.advance(Duration.ofSeconds(1));

    Job claimed = claimNow("images");
    assertThat(claimed.id()).isEqualTo(submitted.id());
    assertThat(claimed.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(claimed.attempt()).isEqualTo(1);
    assertThat(claimed.startedAt()).hasValue(clock.millis());
    Lease lease = claimed.lease().orElseThrow();
    assertThat(lease.token()).matches("[A-Za-z0-9_-]{22}");
    assertThat(lease.expiresAt()).isEqualTo(clock.millis() + LEASE.toMillis());
    clock.advance(Duration.ofSeconds(2));

    Job succeeded = done(jobs.complete(submitted.id(), lease.token(), "{\"url\":\"...\"}")).orElseThrow();
    assertThat(succeeded.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(succeeded.result()).contains("{\"url\":\"...\"}");
    assertThat(succeeded.endedAt()).hasValue(clock.millis());
    assertThat(succeeded.lease()).isEmpty();
    assertThat(find(submitted.id())).isEqualTo(succeeded);
    assertThat(done(jobs.count("images")).of(JobStatus.SUCCEEDED)).isEqualTo(1);
  }

  @Test
  void aClaimOfAnEmptyQueueWithoutWaitingFindsNothing() {
    assertThat(done(jobs.claim("images", LEASE, Duration.ZERO).result())).isEmpty();
  }

  @Test
  void claimsTakeJobsInTheOrderTheyWereSubmitted() {
    Job first = submit("images");
    Job other = submit("emails");
    Job second = submit("images");

    assertThat(claimNow("images").id()).isEqualTo(first.id());
    assertThat(claimNow("images").id()).isEqualTo(second.id());
    assertThat(claimNow("emails").id()).isEqualTo(other.id());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 999, 3_600_001})
  void aLeaseOutsideOneSecondToAnHourIsRefused(int millis) {
    submit("images");

    assertThatThrownBy(() -> jobs.claim("images", Duration.ofMillis(millis), Duration.ZERO)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("invalid lease");
    assertThatThrownBy(() -> jobs.claim("bad queue", LEASE, Duration.ZERO)).isInstanceOf(InvalidInputException.class);
    assertThat(done(jobs.count("images")).of(JobStatus.QUEUED)).isEqualTo(1);
  }

  @Test
  void aWorkerWithTheWrongTokenCanNeitherCompleteNorFailNorExtendTheJob() {
    Job claimed = claimNow(submit("images").queue());
    String wrong = "BBBBBBBBBBBBBBBBBBBBBB";

    assertThatThrownBy(() -> done(jobs.complete(claimed.id(), wrong, "r"))).isInstanceOf(JobConflictException.class)
        .hasMessageContaining("does not hold");
    assertThatThrownBy(() -> done(jobs.fail(claimed.id(), wrong, "e", false))).isInstanceOf(JobConflictException.class);
    assertThatThrownBy(() -> done(jobs.heartbeat(claimed.id(), wrong, LEASE))).isInstanceOf(JobConflictException.class);
    assertThatThrownBy(() -> done(jobs.abandon(claimed.id(), wrong, "bye"))).isInstanceOf(JobConflictException.class);
    assertThat(find(claimed.id())).isEqualTo(claimed);
  }

  @Test
  void aWorkerWhoseLeaseRanOutIsRefusedEvenBeforeTheSweepRan() {
    Job claimed = claimNow(submit("images").queue());
    clock.advance(LEASE);

    assertThatThrownBy(() -> done(jobs.complete(claimed.id(), token(claimed), "r"))).isInstanceOf(JobConflictException.class)
        .hasMessageContaining("ran out");
    assertThatThrownBy(() -> done(jobs.fail(claimed.id(), token(claimed), "e", true))).isInstanceOf(JobConflictException.class);
    assertThatThrownBy(() -> done(jobs.heartbeat(claimed.id(), token(claimed), LEASE))).isInstanceOf(JobConflictException.class);
    assertThat(find(claimed.id())).isEqualTo(claimed);
  }

  @Test
  void aWorkerCannotChangeAJobThatHasEnded() {
    Job claimed = claimNow(submit("images").queue());
    done(jobs.complete(claimed.id(), token(claimed), "first"));

    assertThatThrownBy(() -> done(jobs.complete(claimed.id(), token(claimed), "second"))).isInstanceOf(JobConflictException.class)
        .hasMessageContaining("already ended");
    assertThatThrownBy(() -> done(jobs.fail(claimed.id(), token(claimed), "e", true))).isInstanceOf(JobConflictException.class);
    assertThatThrownBy(() -> done(jobs.heartbeat(claimed.id(), token(claimed), LEASE))).isInstanceOf(JobConflictException.class);
    assertThat(find(claimed.id()).result()).contains("first");
  }

  @Test
  void aWorkerWhoseJobWasTakenOverCannotChangeIt() {
    Job first = claimNow(submit("images").queue());
    scheduler.advance(LEASE);
    Job second = claimNow("images");
    assertThat(second.id()).isEqualTo(first.id());

    assertThatThrownBy(() -> done(jobs.complete(first.id(), token(first), "late"))).isInstanceOf(JobConflictException.class)
        .hasMessageContaining("another worker");
    assertThat(done(jobs.complete(second.id(), token(second), "on time")).orElseThrow().result()).contains("on time");
  }

  @ParameterizedTest
  @ValueSource(strings = {UNKNOWN_ID, "short", "../../etc/passwd", "AAAAAAAAAAAAAAAAAAAAA=", "AAAAAAAAAAAAAAAAAAAAAAA", ""})
  void unknownOrMalformedIdsFindNothing(String id) {
    submit("images");

    assertThat(done(jobs.find(id))).isEmpty();
    assertThat(done(jobs.complete(id, "token", "r"))).isEmpty();
    assertThat(done(jobs.fail(id, "token", "e", true))).isEmpty();
    assertThat(done(jobs.heartbeat(id, "token", LEASE))).isEmpty();
    assertThat(done(jobs.abandon(id, "token", "bye"))).isEmpty();
    assertThat(done(jobs.awaitEnd(id, WAIT))).isEmpty();
    assertThat(done(jobs.awaitStatusChange(id, WAIT))).isEmpty();
  }

  @Test
  void aHeartbeatExtendsTheLeaseFromNow() {
    Job claimed = claimNow(submit("images").queue());
    clock.advance(Duration.ofSeconds(20));

    Job extended = done(jobs.heartbeat(claimed.id(), token(claimed), Duration.ofMinutes(1))).orElseThrow();

    assertThat(extended.lease()).contains(new Lease(token(claimed), clock.millis() + 60_000));
    scheduler.advance(Duration.ofSeconds(50));
    assertThat(find(claimed.id()).status()).as("the sweep leaves an extended lease alone").isEqualTo(JobStatus.RUNNING);
    assertThat(done(jobs.complete(claimed.id(), token(claimed), "done"))).isPresent();
  }

  @Test
  void aFailedAttemptWithRetryGoesBackToTheQueueWhileAttemptsRemainThenTheJobFails() {
    Job job = submit("images", 2);

    Job first = claimNow("images");
    Job requeued = done(jobs.fail(job.id(), token(first), "timeout talking to S3", true)).orElseThrow();
    assertThat(requeued.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(requeued.error()).contains("timeout talking to S3");
    assertThat(requeued.attempt()).isEqualTo(1);
    assertThat(requeued.endedAt()).isEmpty();

    Job second = claimNow("images");
    assertThat(second.attempt()).isEqualTo(2);
    Job failed = done(jobs.fail(job.id(), token(second), "timeout again", true)).orElseThrow();
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThat(failed.error()).contains("timeout again");
    assertThat(failed.endedAt()).hasValue(clock.millis());
    assertThat(ended).containsExactly(failed);
  }

  @Test
  void aFailedAttemptWithoutRetryFailsTheJobAtOnce() {
    Job claimed = claimNow(submit("images", 5).queue());

    Job failed = done(jobs.fail(claimed.id(), token(claimed), "bad input", false)).orElseThrow();

    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThat(failed.attempt()).isEqualTo(1);
    assertThat(done(jobs.claim("images", LEASE, Duration.ZERO).result())).isEmpty();
  }

  @Test
  void anAbandonedJobGoesBackToTheQueueAtOnce() {
    Job claimed = claimNow(submit("images").queue());

    Job abandoned = done(jobs.abandon(claimed.id(), token(claimed), "the worker's connection closed")).orElseThrow();

    assertThat(abandoned.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(abandoned.error()).contains("the worker's connection closed");
    assertThat(claimNow("images").attempt()).isEqualTo(2);
  }

  @Test
  void aReleasedJobGoesBackAsIfNeverClaimedAndItsTokenNoLongerHoldsIt() {
    Job claimed = claimNow(submit("images").queue());

    Job released = done(jobs.release(claimed.id(), token(claimed))).orElseThrow();

    assertThat(released.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(released.attempt()).isZero();
    assertThat(claimNow("images").attempt()).as("the claim that reached nobody does not count").isEqualTo(1);
    assertThatThrownBy(() -> done(jobs.release(claimed.id(), token(claimed)))).isInstanceOf(JobConflictException.class);
  }

  @Test
  void aResultOrErrorLargerThanTheMaximumIsRefusedAndTheJobKeepsRunning() {
    Job claimed = claimNow(submit("images").queue());
    String tooLarge = "x".repeat(MAX_BYTES + 1);

    assertThatThrownBy(() -> done(jobs.complete(claimed.id(), token(claimed), tooLarge))).isInstanceOf(MessageTooLargeException.class);
    assertThatThrownBy(() -> done(jobs.fail(claimed.id(), token(claimed), tooLarge, false))).isInstanceOf(MessageTooLargeException.class);
    assertThat(find(claimed.id()).status()).isEqualTo(JobStatus.RUNNING);
  }

  // ---- leases and the sweep ----

  @Test
  void theSweepPutsAJobWhoseLeaseRanOutBackInTheQueueThenMakesItDeadAfterTheLastAttempt() {
    Job job = submit("images", 2);
    claimNow("images");

    scheduler.advance(LEASE.minusSeconds(1));
    assertThat(find(job.id()).status()).isEqualTo(JobStatus.RUNNING);
    scheduler.advance(Duration.ofSeconds(1));
    Job requeued = find(job.id());
    assertThat(requeued.status()).isEqualTo(JobStatus.QUEUED);
    assertThat(requeued.error()).hasValueSatisfying(error -> assertThat(error).contains("lease ran out on attempt 1 of 2"));
    assertThat(requeued.lease()).isEmpty();

    assertThat(claimNow("images").attempt()).isEqualTo(2);
    scheduler.advance(LEASE);
    Job dead = find(job.id());
    assertThat(dead.status()).isEqualTo(JobStatus.DEAD);
    assertThat(dead.error()).hasValueSatisfying(error -> assertThat(error).contains("lease ran out on attempt 2 of 2"));
    assertThat(dead.endedAt()).hasValue(clock.millis());
    assertThat(ended).containsExactly(dead);
    assertThat(done(jobs.claim("images", LEASE, Duration.ZERO).result())).isEmpty();
  }

  @Test
  void theSweepRemovesEndedJobsOnceTheirRetentionIsOverButKeepsThoseAwaitingTheirCallback() {
    Job plain = claimNow(submit("images").queue());
    Job withCallback = done(jobs.submit("images", "d", OptionalInt.empty(), Optional.of("https://example.com/cb")));
    Job claimedWithCallback = claimNow("images");
    done(jobs.complete(plain.id(), token(plain), "r"));
    done(jobs.complete(withCallback.id(), token(claimedWithCallback), "r"));

    scheduler.advance(RETENTION.minusMinutes(1));
    assertThat(done(jobs.find(plain.id()))).as("within its retention").isPresent();
    scheduler.advance(Duration.ofMinutes(2));

    assertThat(done(jobs.find(plain.id()))).isEmpty();
    assertThat(done(jobs.find(withCallback.id()))).isPresent();
    assertThat(done(jobs.awaitingCallback())).extracting(Job::id).containsExactly(withCallback.id());
  }

  @Test
  void aRecordedCallbackOutcomeIsStoredWithoutEndingTheJobAgain() {
    Job job = done(jobs.submit("images", "d", OptionalInt.empty(), Optional.of("https://example.com/cb")));
    Job claimed = claimNow("images");
    done(jobs.complete(job.id(), token(claimed), "r"));

    Job retrying = done(jobs.recordCallback(job.id(), call -> call.attemptFailed("503", /* giveUp= */ false))).orElseThrow();
    Job delivered = done(jobs.recordCallback(job.id(), Callback::delivered)).orElseThrow();

    assertThat(retrying.callback().orElseThrow().lastError()).contains("503");
    assertThat(delivered.callback().orElseThrow().state()).isEqualTo(Callback.State.DELIVERED);
    assertThat(delivered.callback().orElseThrow().attempts()).isEqualTo(2);
    assertThat(done(jobs.awaitingCallback())).isEmpty();
    assertThat(ended).hasSize(1);
    assertThat(publishedEvents(job)).containsExactly("queued", "running", "succeeded");
    assertThat(done(jobs.recordCallback(UNKNOWN_ID, Callback::delivered))).isEmpty();
  }

  // ---- waiting claims ----

  @Test
  void aWaitingClaimIsAnsweredWhenAJobIsSubmitted() {
    PendingClaim waiting = jobs.claim("images", LEASE, WAIT);
    assertThat(waiting.result().toCompletableFuture()).isNotDone();
    scheduler.advance(Duration.ofSeconds(5));

    Job job = submit("images");

    Job claimed = done(waiting.result()).orElseThrow();
    assertThat(claimed.id()).isEqualTo(job.id());
    assertThat(claimed.status()).isEqualTo(JobStatus.RUNNING);
    assertThat(claimed.lease().orElseThrow().expiresAt()).isEqualTo(clock.millis() + LEASE.toMillis());
    assertThat(find(job.id())).isEqualTo(claimed);
  }

  @Test
  void aWaitingClaimIsAnsweredWithNothingWhenItsWaitPasses() {
    PendingClaim waiting = jobs.claim("images", LEASE, WAIT);

    scheduler.advance(WAIT.minusMillis(1));
    assertThat(waiting.result().toCompletableFuture()).isNotDone();
    scheduler.advance(Duration.ofMillis(1));

    assertThat(done(waiting.result())).isEmpty();
    Job later = submit("images");
    assertThat(find(later.id()).status()).as("a claim whose wait is over takes nothing").isEqualTo(JobStatus.QUEUED);
  }

  @Test
  void aWaitingClaimIsNotAnsweredByAJobOfAnotherQueue() {
    PendingClaim waiting = jobs.claim("images", LEASE, WAIT);

    submit("emails");

    assertThat(waiting.result().toCompletableFuture()).isNotDone();
  }

  @Test
  void ofTwoWaitingClaimsExactlyOneGetsTheJobAndTheOtherKeepsWaiting() {
    PendingClaim first = jobs.claim("images", LEASE, WAIT);
    PendingClaim second = jobs.claim("images", LEASE, WAIT);

    Job job = submit("images");

    assertThat(done(first.result())).map(Job::id).contains(job.id());
    assertThat(second.result().toCompletableFuture()).isNotDone();
    Job next = submit("images");
    assertThat(done(second.result())).map(Job::id).contains(next.id());
    assertThat(find(job.id()).attempt()).isEqualTo(1);
  }

  @Test
  void aJobRequeuedByItsWorkerGoesToAWaitingClaim() {
    Job claimed = claimNow(submit("images").queue());
    PendingClaim waiting = jobs.claim("images", LEASE, WAIT);

    done(jobs.fail(claimed.id(), token(claimed), "try elsewhere", true));

    Job again = done(waiting.result()).orElseThrow();
    assertThat(again.id()).isEqualTo(claimed.id());
    assertThat(again.attempt()).isEqualTo(2);
  }

  @Test
  void aJobWhoseLeaseRanOutGoesToAWaitingClaim() {
    Job claimed = claimNow(submit("images").queue());
    PendingClaim waiting = jobs.claim("images", LEASE, Duration.ofMinutes(1));

    scheduler.advance(LEASE);

    Job again = done(waiting.result()).orElseThrow();
    assertThat(again.id()).isEqualTo(claimed.id());
    assertThat(again.attempt()).isEqualTo(2);
  }

  @Test
  void aCancelledWaitingClaimIsAnsweredWithNothingAndTakesNoJob() {
    PendingClaim cancelled = jobs.claim("images", LEASE, WAIT);
    PendingClaim kept = jobs.claim("images", LEASE, WAIT);

    cancelled.cancel();
    assertThat(done(cancelled.result())).isEmpty();
    Job job = submit("images");

    assertThat(done(kept.result())).map(Job::id).contains(job.id());
    Job unclaimed = submit("images");
    assertThat(find(unclaimed.id()).status()).isEqualTo(JobStatus.QUEUED);
  }

  @Test
  void aClaimWithANegativeWaitIsRefused() {
    assertThatThrownBy(() -> jobs.claim("images", LEASE, Duration.ofSeconds(-1)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("wait");
  }

  @Test
  void stopAnswersWaitingClaimsWithNothingAndLaterClaimsAtOnce() {
    PendingClaim waiting = jobs.claim("images", LEASE, WAIT);
    submit("emails");

    jobs.stop();

    assertThat(done(waiting.result())).isEmpty();
    assertThat(done(jobs.claim("emails", LEASE, WAIT).result())).isEmpty();
  }

  @Test
  void linesOfQueuesNobodyWaitsOnAnyMoreAreForgottenByTheSweep() {
    for (int i = 0; i < 50; i++) {
      jobs.claim("made-up-" + i, LEASE, Duration.ofSeconds(2));
    }
    PendingClaim stillWaiting = jobs.claim("real", LEASE, Duration.ofSeconds(30));
    assertThat(jobs.queuesWithWaitingClaims()).isEqualTo(51);

    scheduler.advance(Duration.ofSeconds(3));

    assertThat(jobs.queuesWithWaitingClaims()).as("only the line with a claim still waiting").isEqualTo(1);
    Job submitted = submit("real");
    assertThat(done(stillWaiting.result())).get().extracting(Job::id).isEqualTo(submitted.id());
  }

  @Test
  void stopAnswersWaitsOnAJobWithTheJobAsItIs() {
    Job queued = submit("images");
    CompletionStage<Optional<Job>> end = jobs.awaitEnd(queued.id(), WAIT);
    CompletionStage<Optional<Job>> change = jobs.awaitStatusChange(queued.id(), WAIT);

    jobs.stop();

    assertThat(done(end)).get().extracting(Job::status).isEqualTo(JobStatus.QUEUED);
    assertThat(done(change)).get().extracting(Job::status).isEqualTo(JobStatus.QUEUED);
  }

  @Test
  void idsNeverStartWithADashSoThatTheCommandLineDoesNotTakeThemForOptions() {
    for (int i = 0; i < 2_000; i++) {
      assertThat(submit("images").id()).doesNotStartWith("-").hasSize(22);
    }
  }

  @Test
  void concurrentWaitingClaimsAndSubmissionsHandEveryJobToExactlyOneClaim() throws Exception {
    int claimers = 6;
    int claimsEach = 50;
    int submitters = 3;
    int jobsEach = claimers * claimsEach / submitters;
    ExecutorService pool = Executors.newFixedThreadPool(claimers + submitters);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<List<String>>> claimed = new ArrayList<>();
      for (int c = 0; c < claimers; c++) {
        claimed.add(pool.submit(() -> {
          go.await();
          List<String> mine = new ArrayList<>();
          for (int i = 0; i < claimsEach; i++) {
            // The scheduler never runs by itself here, so a wait never ends: a lost wake-up hangs this claim.
            Optional<Job> job = jobs.claim("images", LEASE, WAIT).result().toCompletableFuture().get(10, TimeUnit.SECONDS);
            mine.add(job.orElseThrow().id());
          }
          return mine;
        }));
      }
      List<Future<?>> submitted = new ArrayList<>();
      for (int s = 0; s < submitters; s++) {
        submitted.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < jobsEach; i++) {
            submit("images");
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> submitter : submitted) {
        submitter.get(10, TimeUnit.SECONDS);
      }
      List<String> all = new ArrayList<>();
      for (Future<List<String>> claimer : claimed) {
        all.addAll(claimer.get(15, TimeUnit.SECONDS));
      }

      assertThat(all).hasSize(claimers * claimsEach).doesNotHaveDuplicates();
      JobCounts counts = done(jobs.count("images"));
      assertThat(counts.of(JobStatus.RUNNING)).isEqualTo(claimers * claimsEach);
      assertThat(counts.of(JobStatus.QUEUED)).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- waiting for a job ----

  @Test
  void awaitEndCompletesWhenTheJobEnds() {
    Job job = submit("images");
    CompletionStage<Optional<Job>> end = jobs.awaitEnd(job.id(), WAIT);

    Job claimed = claimNow("images");
    assertThat(end.toCompletableFuture()).as("running is not an end").isNotDone();
    done(jobs.complete(job.id(), token(claimed), "r"));

    Job answered = done(end).orElseThrow();
    assertThat(answered.status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(answered.result()).contains("r");
  }

  @Test
  void awaitEndAnswersWithTheJobAsItIsWhenTheWaitPasses() {
    Job job = submit("images");
    CompletionStage<Optional<Job>> end = jobs.awaitEnd(job.id(), WAIT);
    Job claimed = claimNow("images");

    scheduler.advance(WAIT);

    assertThat(done(end)).contains(claimed);
  }

  @Test
  void awaitEndOfAnEndedJobAnswersAtOnce() {
    Job claimed = claimNow(submit("images").queue());
    Job succeeded = done(jobs.complete(claimed.id(), token(claimed), "r")).orElseThrow();

    assertThat(done(jobs.awaitEnd(claimed.id(), WAIT))).contains(succeeded);
    assertThat(done(jobs.awaitStatusChange(claimed.id(), WAIT))).contains(succeeded);
    assertThat(done(jobs.awaitEnd(claimed.id(), Duration.ZERO))).contains(succeeded);
  }

  @Test
  void awaitStatusChangeCompletesOnTheNextStatusButNotOnAHeartbeat() {
    Job job = submit("images");
    CompletionStage<Optional<Job>> change = jobs.awaitStatusChange(job.id(), WAIT);

    Job claimed = claimNow("images");
    assertThat(done(change)).contains(claimed);

    CompletionStage<Optional<Job>> next = jobs.awaitStatusChange(job.id(), WAIT);
    done(jobs.heartbeat(job.id(), token(claimed), LEASE));
    assertThat(next.toCompletableFuture()).as("a heartbeat is no status change").isNotDone();
    Job requeued = done(jobs.fail(job.id(), token(claimed), "e", true)).orElseThrow();
    assertThat(done(next)).contains(requeued);
  }

  @Test
  void awaitStatusChangeAnswersWithTheUnchangedJobWhenTheWaitPasses() {
    Job job = submit("images");
    CompletionStage<Optional<Job>> change = jobs.awaitStatusChange(job.id(), WAIT);

    scheduler.advance(WAIT.minusMillis(1));
    assertThat(change.toCompletableFuture()).isNotDone();
    scheduler.advance(Duration.ofMillis(1));

    assertThat(done(change)).contains(job);
  }

  @Test
  void aWaitForAJobWithANegativeWaitIsRefused() {
    Job job = submit("images");

    assertThatThrownBy(() -> done(jobs.awaitEnd(job.id(), Duration.ofSeconds(-1)))).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> done(jobs.awaitStatusChange(job.id(), Duration.ofSeconds(-1)))).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void aWatcherSeesEveryChangeInOrderUntilCancelled() {
    Job job = submit("images");
    List<Job> seen = new ArrayList<>();
    Scheduler.Cancellable watching = jobs.watch(job.id(), seen::add);

    Job first = claimNow("images");
    Job extended = done(jobs.heartbeat(job.id(), token(first), LEASE)).orElseThrow();
    Job requeued = done(jobs.fail(job.id(), token(first), "e", true)).orElseThrow();
    Job second = claimNow("images");
    watching.cancel();
    done(jobs.complete(job.id(), token(second), "r"));

    assertThat(seen).containsExactly(first, extended, requeued, second);
  }

  // ---- job channels and end listeners ----

  @Test
  void everyStatusChangeIsPublishedOnTheJobsChannelButHeartbeatsAreNot() {
    Job job = submit("images");
    Job first = claimNow("images");
    done(jobs.heartbeat(job.id(), token(first), LEASE));
    done(jobs.fail(job.id(), token(first), "e", true));
    Job second = claimNow("images");
    Job succeeded = done(jobs.complete(job.id(), token(second), "r")).orElseThrow();

    assertThat(Jobs.channelOf(job)).isEqualTo(ChannelName.of("switchboard.jobs.images." + job.id()));
    assertThat(publishedEvents(job)).containsExactly("queued", "running", "queued", "running", "succeeded");
    assertThat(published(job).get(4).data()).isEqualTo(describe(succeeded));
  }

  @Test
  void aJobThatDiesHasItsDeathPublished() {
    Job job = submit("images", 1);
    claimNow("images");

    scheduler.advance(LEASE);

    assertThat(publishedEvents(job)).containsExactly("queued", "running", "dead");
  }

  @Test
  void endListenersAreCalledOncePerEndedJob() {
    Job succeeded = claimNow(submit("a").queue());
    Job failed = claimNow(submit("b").queue());
    Job dead = submit("c", 1);
    claimNow("c");
    Job retried = claimNow(submit("d", 2).queue());

    done(jobs.complete(succeeded.id(), token(succeeded), "r"));
    done(jobs.fail(failed.id(), token(failed), "e", false));
    done(jobs.fail(retried.id(), token(retried), "e", true));
    scheduler.advance(LEASE);
    assertThatThrownBy(() -> done(jobs.complete(succeeded.id(), token(succeeded), "again"))).isInstanceOf(JobConflictException.class);

    assertThat(ended).extracting(Job::id).containsExactlyInAnyOrder(succeeded.id(), failed.id(), dead.id());
    assertThat(ended).extracting(Job::status).containsExactlyInAnyOrder(JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.DEAD);
  }

  @Test
  void aClientCannotPublishOnAJobChannel() {
    Job job = submit("images");

    assertThatThrownBy(() -> broker.publish(Jobs.channelOf(job), Publication.of("{\"status\":\"succeeded\"}")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("written by the server only");
    assertThatThrownBy(() -> broker.publish(ChannelName.of("switchboard.anything"), Publication.of("x")))
        .isInstanceOf(InvalidInputException.class);
    assertThat(publishedEvents(job)).containsExactly("queued");
  }

  @Test
  void countsTellHowManyJobsOfAQueueAreInEachStatus() {
    submit("images");
    Job running = claimNow(submit("images").queue());
    submit("emails");

    JobCounts counts = done(jobs.count("images"));

    assertThat(counts.of(JobStatus.QUEUED)).isEqualTo(1);
    assertThat(counts.of(JobStatus.RUNNING)).isEqualTo(1);
    assertThat(running.queue()).isEqualTo("images");
    assertThatThrownBy(() -> done(jobs.count("bad queue"))).isInstanceOf(InvalidInputException.class);
  }

  // ---- regressions ----

  @Test
  void aFailingWatcherOrEndListenerDisturbsNeitherTheChangeNorWaitingClaimsNorTheJobsChannel() {
    Job job = submit("images");
    jobs.watch(job.id(), changed -> {
      throw new IllegalStateException("a broken watcher");
    });
    jobs.onEnded(changed -> {
      throw new IllegalStateException("a broken end listener");
    });
    Job first = claimNow("images");
    PendingClaim waiting = jobs.claim("images", LEASE, WAIT);

    Job requeued = done(jobs.fail(job.id(), token(first), "e", true)).orElseThrow();
    assertThat(requeued.status()).isEqualTo(JobStatus.QUEUED);
    Job second = done(waiting.result()).orElseThrow();
    assertThat(second.id()).isEqualTo(job.id());
    Job succeeded = done(jobs.complete(job.id(), token(second), "r")).orElseThrow();

    assertThat(ended).containsExactly(succeeded);
    assertThat(publishedEvents(job)).containsExactly("queued", "running", "queued", "running", "succeeded");
  }

  @Test
  void aClaimCancelledWhileItsStoreClaimIsInFlightNeverTakesAJob() {
    HeldClaims store = new HeldClaims(new MemoryJobStore());
    Jobs held = start(store);
    PendingClaim first = held.claim("images", LEASE, WAIT);
    store.answerHeldClaims();
    assertThat(store.held()).as("the first try, and the try on joining the line").isEqualTo(2);

    first.cancel();
    store.answerHeldClaims();
    store.holding = false;
    assertThat(done(first.result())).isEmpty();
    PendingClaim second = held.claim("images", LEASE, WAIT);
    Job job = done(held.submit("images", "d", OptionalInt.empty(), Optional.empty()));

    Job claimed = done(second.result()).orElseThrow();
    assertThat(claimed.id()).isEqualTo(job.id());
    assertThat(claimed.revision()).as("claimed once, never claimed and released for the cancelled claim").isEqualTo(1);
    assertThat(publishedEvents(job)).containsExactly("queued", "running");
  }

  @Test
  void aClaimCancelledBeforeItsFirstStoreClaimAnswersNeverJoinsTheLine() {
    HeldClaims store = new HeldClaims(new MemoryJobStore());
    Jobs held = start(store);
    PendingClaim first = held.claim("images", LEASE, WAIT);

    first.cancel();
    store.holding = false;
    store.answerHeldClaims();
    assertThat(done(first.result())).isEmpty();
    Job job = done(held.submit("images", "d", OptionalInt.empty(), Optional.empty()));

    assertThat(find(store, job.id()).status()).isEqualTo(JobStatus.QUEUED);
    assertThat(publishedEvents(job)).containsExactly("queued");
    assertThat(scheduler.pendingDelays()).as("no wait timer left behind").doesNotContain(WAIT);
  }

  private static Job find(JobStore store, String id) {
    return done(store.find(id)).orElseThrow();
  }

  /** A memory store whose claims, while {@link #holding}, answer only when the test says: a store that claims asynchronously. */
  private static final class HeldClaims implements JobStore {
    private final JobStore store;
    private final List<Runnable> heldClaims = new ArrayList<>();
    volatile boolean holding = true;
    private int held;

    HeldClaims(JobStore store) {
      this.store = store;
    }

    synchronized int held() {
      return held;
    }

    void answerHeldClaims() {
      List<Runnable> answering;
      synchronized (this) {
        answering = List.copyOf(heldClaims);
        heldClaims.clear();
      }
      answering.forEach(Runnable::run);
    }

    @Override
    public CompletionStage<Optional<Job>> claim(String queue, Lease lease, long now) {
      if (!holding) {
        return store.claim(queue, lease, now);
      }
      CompletableFuture<Optional<Job>> answer = new CompletableFuture<>();
      synchronized (this) {
        held++;
        heldClaims.add(() -> store.claim(queue, lease, now).whenComplete((claimed, failed) -> {
          if (failed != null) {
            answer.completeExceptionally(failed);
          } else {
            answer.complete(claimed);
          }
        }));
      }
      return answer;
    }

    @Override
    public CompletionStage<Job> submit(Job job) {
      return store.submit(job);
    }

    @Override
    public CompletionStage<Optional<Job>> find(String id) {
      return store.find(id);
    }

    @Override
    public CompletionStage<Boolean> replace(Job changed) {
      return store.replace(changed);
    }

    @Override
    public CompletionStage<List<Job>> leasesEndedBy(long now, int limit) {
      return store.leasesEndedBy(now, limit);
    }

    @Override
    public CompletionStage<List<Job>> awaitingCallback(int limit) {
      return store.awaitingCallback(limit);
    }

    @Override
    public CompletionStage<JobCounts> count(String queue) {
      return store.count(queue);
    }

    @Override
    public CompletionStage<Integer> removeEndedBefore(long time) {
      return store.removeEndedBefore(time);
    }

    @Override
    public void listen(JobListener listener) {
      store.listen(listener);
    }
  }
}
