package io.switchboard.server.jobs;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.EventStreamClient;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.SseEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * A graceful stop answers every held job request at once, rather than holding the shutdown until
 * its timeout and then cutting them: a waiting claim gets {@code 204}, a held status poll and a
 * held synchronous submission get the job as it is, and a job's event stream ends with
 * {@code switchboard.shutdown}, so each client knows to come back to another node or later.
 */
class JobShutdownTest {
  /** Far longer than the answers may take, so that being cut at the timeout fails the test. */
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration PROMPTLY = Duration.ofSeconds(3);

  /** Runs {@code steps} with a server and a stop of it started in the background; the steps hold requests, then stop. */
  private static void withServer(BiConsumer<SwitchboardServer, JobClient> steps) {
    SwitchboardServer server = ServerFixture.start(settings -> settings.withShutdownTimeout(SHUTDOWN_TIMEOUT));
    try {
      steps.accept(server, new JobClient(new Api(server.port())));
    } finally {
      server.stop();
    }
  }

  private static void assertHeld(List<CompletableFuture<Reply>> held) {
    await("the requests are held").during(Duration.ofMillis(300)).atMost(PROMPTLY)
        .until(() -> held.stream().noneMatch(CompletableFuture::isDone));
  }

  private static Reply answer(CompletableFuture<Reply> held) {
    try {
      return held.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception notAnswered) {
      throw new AssertionError("not answered within " + PROMPTLY + " of the stop", notAnswered);
    }
  }

  @Test
  void stopAnswersAWaitingClaimWith204AndEndsJobStreamsWithShutdown() {
    withServer((server, jobs) -> {
      String queued = jobs.submittedId(uniqueChannel("busy"), "waits for a worker");
      CompletableFuture<Reply> claim = jobs.claimAsync(uniqueChannel("idle"), "wait=30");
      try (EventStreamClient stream = EventStreamClient.open(server.port(), JobClient.jobPath(queued)).expectStream()) {
        stream.awaitEvents(1, PROMPTLY);
        assertHeld(List.of(claim));

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::stop);

        answer(claim).expect(204);
        stream.awaitEnd(PROMPTLY);
        assertThat(stream.events()).extracting(SseEvent::type).containsExactly("queued", "switchboard.shutdown");
        stopped.orTimeout(SHUTDOWN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
      }
    });
  }

  @Test
  void stopAnswersAHeldStatusPollAndAHeldSubmissionWithTheJobAsItIs() {
    withServer((server, jobs) -> {
      String queue = uniqueChannel("busy");
      String queued = jobs.submittedId(queue, "waits for a worker");
      CompletableFuture<Reply> poll = jobs.statusAsync(queued, "wait=30");
      CompletableFuture<Reply> submission = jobs.submitAsync(queue, "", "held", "Prefer", "wait=30");
      assertHeld(List.of(poll, submission));

      CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::stop);

      assertThat(answer(poll).expectJson(200).path("status").asText()).isEqualTo("queued");
      Reply submitted = answer(submission);
      assertThat(submitted.expectJson(202).path("status").asText()).isEqualTo("queued");
      assertThat(submitted.header("Preference-Applied")).isEqualTo("wait=30");
      stopped.orTimeout(SHUTDOWN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    });
  }
}
