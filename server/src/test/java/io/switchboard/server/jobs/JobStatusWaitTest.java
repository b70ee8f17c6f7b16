package io.switchboard.server.jobs;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.jobs.JobClient.Claim;
import io.switchboard.server.testing.EventStreamClient;
import io.switchboard.server.testing.EventStreamClient.Ending;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.SseEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Following a job: {@code GET /v1/jobs/{id}?wait=N} is held until the job's status differs from
 * the one it had when asked (a change that keeps the status, such as a heartbeat, does not answer
 * it), or the wait runs out; it answers at once for an ended job. With {@code Accept:
 * text/event-stream} the job is a stream of its statuses, each event's id its revision, which ends
 * after the job ends; a client that saw the end and reconnects is told {@code 204}, so a browser's
 * EventSource stops.
 */
class JobStatusWaitTest {
  private static final Duration PROMPTLY = Duration.ofSeconds(5);

  @RegisterExtension static final ServerFixture server = ServerFixture.withDefaults();

  @RegisterExtension static final ServerFixture quickHeartbeats = ServerFixture.with(settings -> settings
      .withSseHeartbeat(Duration.ofMillis(100)));

  private final JobClient jobs = new JobClient(server.api());
  private final JobClient quickHeartbeatJobs = new JobClient(quickHeartbeats.api());
  private final int port = server.api().port();

  private static Reply answer(CompletableFuture<Reply> held) throws Exception {
    return held.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
  }

  private static void assertHeld(CompletableFuture<Reply> held, String why) {
    await(why).during(Duration.ofMillis(300)).atMost(PROMPTLY).until(() -> !held.isDone());
  }

  private EventStreamClient follow(String id, String... headers) {
    return EventStreamClient.open(port, JobClient.jobPath(id), headers);
  }

  @Test
  void longPollAnswersWhenTheStatusChanges() throws Exception {
    String queue = uniqueChannel("poll");
    String id = jobs.submittedId(queue, "x");
    CompletableFuture<Reply> held = jobs.statusAsync(id, "wait=20");
    assertHeld(held, "a queued job that stays queued holds the poll");

    Claim claim = jobs.claimed(queue);

    JsonNode job = answer(held).expectJson(200);
    assertThat(job.path("status").asText()).isEqualTo("running");
    assertThat(job.path("leaseExpires").asLong()).isEqualTo(claim.leaseExpires());
  }

  @Test
  void longPollAnswersWithTheUnchangedJobWhenTheWaitRunsOut() throws Exception {
    String id = jobs.submittedId(uniqueChannel("poll-timeout"), "x");
    long before = System.nanoTime();

    Reply reply = answer(jobs.statusAsync(id, "wait=1"));

    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
    assertThat(reply.expectJson(200).path("status").asText()).isEqualTo("queued");
    assertThat(tookMillis).as("held for the wait, no longer").isBetween(950L, 3_000L);
  }

  @Test
  void longPollIsNotAnsweredByAChangeThatKeepsTheStatus() throws Exception {
    String queue = uniqueChannel("poll-heartbeat");
    String id = jobs.submittedId(queue, "x");
    Claim claim = jobs.claimed(queue);
    CompletableFuture<Reply> held = jobs.statusAsync(id, "wait=20");
    assertHeld(held, "a running job holds the poll");

    jobs.heartbeat(id, claim.lease(), "lease=60").expect(200);
    assertHeld(held, "a heartbeat leaves the job running");
    jobs.completed(claim, "done");

    JsonNode job = answer(held).expectJson(200);
    assertThat(job.path("status").asText()).isEqualTo("succeeded");
    assertThat(job.path("result").asText()).isEqualTo("done");
  }

  @Test
  void longPollOnAnEndedJobAnswersAtOnce() throws Exception {
    String queue = uniqueChannel("poll-ended");
    String id = jobs.submittedId(queue, "x");
    jobs.completed(jobs.claimed(queue), "done");
    long before = System.nanoTime();

    Reply reply = answer(jobs.statusAsync(id, "wait=20"));

    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before)).isLessThan(1_000L);
    assertThat(reply.expectJson(200).path("status").asText()).isEqualTo("succeeded");
  }

  @Test
  void longPollsOfOneJobAreAllAnswered() throws Exception {
    String queue = uniqueChannel("poll-many");
    String id = jobs.submittedId(queue, "x");
    List<CompletableFuture<Reply>> held = List.of(jobs.statusAsync(id, "wait=20"), jobs.statusAsync(id, "wait=20"),
        jobs.statusAsync(id, "wait=20"));
    held.forEach(poll -> assertHeld(poll, "every poll is held"));

    jobs.claimed(queue);

    for (CompletableFuture<Reply> poll : held) {
      assertThat(answer(poll).expectJson(200).path("status").asText()).isEqualTo("running");
    }
  }

  @Test
  void eventStreamCarriesQueuedRunningAndSucceededThenEnds() {
    String queue = uniqueChannel("stream");
    String id = jobs.submittedId(queue, "x");
    try (EventStreamClient stream = follow(id).expectStream()) {
      assertThat(stream.awaitEvents(1, PROMPTLY)).extracting(SseEvent::type).containsExactly("queued");

      Claim claim = jobs.claimed(queue);
      stream.awaitEvents(2, PROMPTLY);
      jobs.heartbeat(id, claim.lease(), "lease=60").expect(200);
      JsonNode completed = jobs.completed(claim, "the result");

      assertThat(stream.awaitEnd(PROMPTLY)).as("the stream ends after the job ends").isEqualTo(Ending.ENDED);
      List<SseEvent> events = stream.events();
      assertThat(events).as("one event per status; the heartbeat is none").extracting(SseEvent::type)
          .containsExactly("queued", "running", "succeeded");
      assertThat(events).extracting(event -> event.json().path("status").asText()).containsExactly("queued", "running", "succeeded");
      assertThat(events).extracting(event -> event.json().path("id").asText()).containsOnly(id);
      List<Long> revisions = events.stream().map(event -> Long.parseLong(event.id())).toList();
      assertThat(revisions).as("ids are the job's revisions, rising").isSorted().doesNotHaveDuplicates();
      assertThat(revisions.get(0)).isZero();
      assertThat(events.get(2).json()).isEqualTo(completed);
      assertThat(stream.raw()).as("the token is never sent to followers").doesNotContain(claim.lease());
    }
  }

  @Test
  void eventStreamOfAJobThatAlreadyEndedSendsTheEndAndEnds() {
    String queue = uniqueChannel("stream-ended");
    String id = jobs.submittedId(queue, "x");
    Claim claim = jobs.claimed(queue);
    jobs.fail(id, claim.lease(), "", "broken").expect(200);

    try (EventStreamClient stream = follow(id).expectStream()) {
      assertThat(stream.awaitEnd(PROMPTLY)).isEqualTo(Ending.ENDED);
      List<SseEvent> events = stream.events();
      assertThat(events).extracting(SseEvent::type).containsExactly("failed");
      assertThat(events.get(0).json().path("error").asText()).isEqualTo("broken");
    }
  }

  @Test
  void eventStreamShowsARetriedJobQueuedAgain() {
    String queue = uniqueChannel("stream-retry");
    String id = jobs.submittedId(queue, "x");
    try (EventStreamClient stream = follow(id).expectStream()) {
      stream.awaitEvents(1, PROMPTLY);
      jobs.fail(id, jobs.claimed(queue).lease(), "retry=true", "again").expect(200);
      stream.awaitEvents(3, PROMPTLY);
      jobs.completed(jobs.claimed(queue), "ok");

      assertThat(stream.awaitEnd(PROMPTLY)).isEqualTo(Ending.ENDED);
      assertThat(stream.events()).extracting(SseEvent::type).containsExactly("queued", "running", "queued", "running", "succeeded");
    }
  }

  @Test
  void reconnectWithTheLastEventIdOfTheEndIsAnswered204() {
    String queue = uniqueChannel("stream-204");
    String id = jobs.submittedId(queue, "x");
    String lastEventId;
    try (EventStreamClient stream = follow(id).expectStream()) {
      stream.awaitEvents(1, PROMPTLY);
      jobs.completed(jobs.claimed(queue), "done");
      stream.awaitEnd(PROMPTLY);
      List<SseEvent> events = stream.events();
      lastEventId = events.get(events.size() - 1).lastEventId();
    }

    try (EventStreamClient again = follow(id, "Last-Event-ID", lastEventId)) {
      assertThat(again.status()).as("the end was seen: %s", again.reply().text()).isEqualTo(204);
      assertThat(again.events()).isEmpty();
    }
  }

  @Test
  void reconnectWithAnEarlierLastEventIdGetsOnlyWhatCameAfterIt() {
    String queue = uniqueChannel("stream-resume");
    String id = jobs.submittedId(queue, "x");
    String lastEventId;
    Claim claim;
    try (EventStreamClient stream = follow(id).expectStream()) {
      stream.awaitEvents(1, PROMPTLY);
      claim = jobs.claimed(queue);
      lastEventId = stream.awaitEvents(2, PROMPTLY).get(1).lastEventId();
    }
    jobs.completed(claim, "done while away");

    try (EventStreamClient resumed = follow(id, "Last-Event-ID", lastEventId).expectStream()) {
      assertThat(resumed.awaitEnd(PROMPTLY)).isEqualTo(Ending.ENDED);
      assertThat(resumed.events()).extracting(SseEvent::type).containsExactly("succeeded");
      assertThat(resumed.events().get(0).json().path("result").asText()).isEqualTo("done while away");
    }
  }

  @Test
  void reconnectWhileNothingChangedWaitsForTheNextChange() {
    String queue = uniqueChannel("stream-idle");
    String id = jobs.submittedId(queue, "x");
    String lastEventId;
    try (EventStreamClient stream = follow(id).expectStream()) {
      lastEventId = stream.awaitEvents(1, PROMPTLY).get(0).lastEventId();
    }

    try (EventStreamClient resumed = follow(id, "Last-Event-ID", lastEventId).expectStream()) {
      await("nothing is repeated").during(Duration.ofMillis(300)).atMost(PROMPTLY).until(() -> resumed.eventCount() == 0);
      jobs.claimed(queue);
      assertThat(resumed.awaitEvents(1, PROMPTLY)).extracting(SseEvent::type).containsExactly("running");
    }
  }

  @Test
  void streamResumedWithAnIdBeyondTheJobsRevisionsStillEndsWhenTheJobEnds() {
    String queue = uniqueChannel("stream-bogus-id");
    String id = jobs.submittedId(queue, "x");
    try (EventStreamClient resumed = follow(id, "Last-Event-ID", "999999").expectStream()) {
      jobs.completed(jobs.claimed(queue), "done");

      assertThat(resumed.awaitEnd(PROMPTLY)).as("a stream must not outlive its job").isEqualTo(Ending.ENDED);
      assertThat(resumed.events()).as("nothing at or before the id it was given").isEmpty();
    }
    try (EventStreamClient again = follow(id, "Last-Event-ID", "999999")) {
      assertThat(again.status()).isEqualTo(204);
    }
  }

  @Test
  void eventStreamOfAJobThatDoesNotChangeGetsHeartbeats() {
    String id = quickHeartbeatJobs.submittedId(uniqueChannel("stream-heartbeat"), "x");
    try (EventStreamClient stream = EventStreamClient.open(quickHeartbeats.api().port(), JobClient.jobPath(id)).expectStream()) {
      stream.awaitEvents(1, PROMPTLY);
      int opening = stream.comments();

      await("heartbeat comments keep the idle stream open").atMost(PROMPTLY).until(() -> stream.comments() >= opening + 2);

      assertThat(stream.events()).extracting(SseEvent::type).containsExactly("queued");
      assertThat(stream.ending()).isEqualTo(Ending.OPEN);
    }
  }

  @Test
  void eventStreamOfAnUnknownJobIsA404Problem() {
    try (EventStreamClient stream = follow("AAAAAAAAAAAAAAAAAAAAAA")) {
      stream.reply().expectProblem(404);
    }
  }
}
