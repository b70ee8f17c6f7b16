package io.switchboard.server.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.Reply;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code 201} is a promise that survives a crash: a real server process is SIGKILLed in the
 * middle of a burst of concurrent publishes, a new one is started on the same data directory, and
 * every publish that was answered {@code 201} must be there, with the id it was given, in publish
 * order, once; ids continue after the last one. A publish retried after the crash with its
 * Idempotency-Key is stored once, whether or not the crash caught it before it was stored.
 */
class KillNineTest {
  private static final int PUBLISHERS = 8;
  private static final List<String> CHANNELS = List.of("crash.a", "crash.b", "crash.c");
  /** Acknowledged publishes after which the server is killed; the publishers are still going. */
  private static final int ACKS_BEFORE_KILL = 500;
  private static final Pattern DATA = Pattern.compile("p(\\d+)-(\\d+)");

  @TempDir Path workDir;

  private final List<ServeProcess> processes = new ArrayList<>();
  private final List<Thread> publisherThreads = new ArrayList<>();
  private volatile boolean stopPublishing;

  /** One publish answered 201. */
  private record Acked(int publisher, int sequence, String channel, String id, String data) {}

  /** The publish a publisher had sent when the kill cut its connection: stored or not, nobody knows. */
  private record InFlight(int publisher, String channel, String data) {}

  /** What the publishers saw of a burst that ended in SIGKILL. */
  private record Burst(List<Acked> acknowledged, List<InFlight> inFlight) {}

  @AfterEach
  void killEverything() throws InterruptedException {
    // Runs after a failure too: no server outlives the test, and a publisher that is waiting for
    // an answer ends when the kill cuts its connection.
    stopPublishing = true;
    for (ServeProcess process : processes) {
      process.close();
    }
    for (Thread publisher : publisherThreads) {
      publisher.join(10_000);
    }
  }

  @Test
  void everyPublishAnswered201SurvivesSigkillInTheMiddleOfABurst() throws Exception {
    Path dataDir = workDir.resolve("data");
    Burst burst = burstThenKill(dataDir, /* withIdempotencyKeys= */ false);

    Api after = new Api(serve(dataDir).awaitListeningPort());
    Map<String, List<JsonNode>> storedByChannel = new HashMap<>();
    for (String channel : CHANNELS) {
      List<JsonNode> stored = after.readAll(channel);
      storedByChannel.put(channel, stored);
      List<Acked> ackedHere = burst.acknowledged().stream().filter(message -> message.channel().equals(channel)).toList();

      assertEveryAcknowledgedMessageIsStoredAsAcknowledged(channel, stored, ackedHere);
      assertIdsStrictlyIncrease(channel, stored);
      assertEachPublisherInPublishOrderOnce(channel, stored);
    }
    assertOnlyInFlightPublishesAreStoredUnacknowledged(storedByChannel, burst.acknowledged());

    for (String channel : CHANNELS) {
      List<JsonNode> stored = storedByChannel.get(channel);
      String lastStored = stored.get(stored.size() - 1).path("id").asText();
      String newId = after.publishedId(channel, "after the crash");
      assertThat(newId).as("a publish after the restart on %s gets an id after every earlier one (last %s)", channel, lastStored)
          .isGreaterThan(lastStored);
      assertThat(after.read(channel, "after=" + lastStored).expectJson(200).path("messages").findValuesAsText("data"))
          .as("what follows the last message from before the crash on %s", channel)
          .containsExactly("after the crash");
    }
  }

  @Test
  void publishesRetriedWithTheirIdempotencyKeysAfterSigkillAreStoredExactlyOnce() throws Exception {
    Path dataDir = workDir.resolve("data");
    Burst burst = burstThenKill(dataDir, /* withIdempotencyKeys= */ true);

    Api after = new Api(serve(dataDir).awaitListeningPort());
    Map<String, String> storedIdByData = new HashMap<>();
    for (String channel : CHANNELS) {
      after.readAll(channel).forEach(message -> storedIdByData.put(message.path("data").asText(), message.path("id").asText()));
    }
    assertThat(burst.inFlight()).as("every publisher had a publish in flight").hasSize(PUBLISHERS);
    for (InFlight cutOff : burst.inFlight()) {
      Reply retried = after.publish(cutOff.channel(), cutOff.data(), "Idempotency-Key", cutOff.data());
      String id = retried.expectJson(201).path("id").asText();
      String storedId = storedIdByData.get(cutOff.data());
      if (storedId == null) {
        assertThat(retried.header("Idempotent-Replayed")).as("%s was lost in the crash: the retry stores it", cutOff.data()).isNull();
      } else {
        assertThat(retried.header("Idempotent-Replayed")).as("%s was stored before the crash: the retry is a replay", cutOff.data())
            .isEqualTo("true");
        assertThat(id).as("the retry of %s answers the id it was stored with", cutOff.data()).isEqualTo(storedId);
      }
    }
    Map<Integer, Acked> lastAckedOfEach = new HashMap<>();
    burst.acknowledged().forEach(message -> lastAckedOfEach.merge(message.publisher(), message,
        (one, other) -> one.sequence() > other.sequence() ? one : other));
    for (Acked acked : lastAckedOfEach.values()) {
      Reply retried = after.publish(acked.channel(), acked.data(), "Idempotency-Key", acked.data());
      assertThat(retried.expectJson(201).path("id").asText()).as("retry of acknowledged %s", acked.data()).isEqualTo(acked.id());
      assertThat(retried.header("Idempotent-Replayed")).as("retry of acknowledged %s", acked.data()).isEqualTo("true");
    }

    for (String channel : CHANNELS) {
      List<String> data = after.readAll(channel).stream().map(message -> message.path("data").asText()).toList();
      assertThat(data).as("every message of %s once, the retried ones included", channel).doesNotHaveDuplicates();
      burst.inFlight().stream().filter(cutOff -> cutOff.channel().equals(channel))
          .forEach(cutOff -> assertThat(data).as("the in-flight publish in %s", channel).contains(cutOff.data()));
    }
  }

  /**
   * Starts a server on {@code dataDir}, has {@link #PUBLISHERS} threads publish to it concurrently
   * and kills it with SIGKILL once {@link #ACKS_BEFORE_KILL} publishes are acknowledged, while every
   * publisher is still going.
   */
  private Burst burstThenKill(Path dataDir, boolean withIdempotencyKeys) throws Exception {
    ServeProcess server = serve(dataDir);
    Api api = new Api(server.awaitListeningPort());
    Queue<Acked> acked = new ConcurrentLinkedQueue<>();
    Queue<InFlight> inFlight = new ConcurrentLinkedQueue<>();
    List<CompletableFuture<String>> endings = IntStream.range(0, PUBLISHERS)
        .mapToObj(publisher -> publishUntilCutOff(api, publisher, withIdempotencyKeys, acked, inFlight))
        .toList();
    await("at least " + ACKS_BEFORE_KILL + " publishes acknowledged").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(1))
        .until(() -> acked.size() >= ACKS_BEFORE_KILL || endings.stream().anyMatch(CompletableFuture::isDone));
    assertThat(endings).as("no publisher stopped before the kill: %s", endingsNow(endings)).noneMatch(CompletableFuture::isDone);

    server.killNine();

    CompletableFuture.allOf(endings.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    for (CompletableFuture<String> ending : endings) {
      assertThat(ending.join()).as("each publisher was cut off by the kill, not refused by the server").startsWith("connection failed");
    }
    return new Burst(List.copyOf(acked), List.copyOf(inFlight));
  }

  private ServeProcess serve(Path dataDir) {
    ServeProcess process = ServeProcess.serve(workDir, "--port", "0", "--engine", "embedded", "--data-dir", dataDir.toString());
    processes.add(process);
    return process;
  }

  /**
   * Publishes {@code p<publisher>-<n>} for n = 0, 1, 2... to the channels in turn, one at a time,
   * until a publish fails (its own data as its Idempotency-Key when asked to); completes with how
   * it ended. The publish that was cut off goes to {@code inFlight}.
   */
  private CompletableFuture<String> publishUntilCutOff(
      Api api, int publisher, boolean withIdempotencyKeys, Queue<Acked> acked, Queue<InFlight> inFlight) {
    CompletableFuture<String> ending = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      for (int sequence = 0; !stopPublishing; sequence++) {
        String channel = CHANNELS.get((publisher + sequence) % CHANNELS.size());
        String data = "p" + publisher + "-" + sequence;
        String[] headers = withIdempotencyKeys ? new String[] {"Idempotency-Key", data} : new String[0];
        Reply reply;
        try {
          reply = api.publish(channel, data, headers);
        } catch (UncheckedIOException cutOff) {
          inFlight.add(new InFlight(publisher, channel, data));
          ending.complete("connection failed at " + data + ": " + cutOff.getMessage());
          return;
        } catch (RuntimeException | AssertionError unexpected) {
          ending.complete("failed at " + data + ": " + unexpected);
          return;
        }
        if (reply.status() != 201) {
          ending.complete("answered " + reply.status() + " to " + data + ": " + reply.text());
          return;
        }
        acked.add(new Acked(publisher, sequence, channel, reply.json().path("id").asText(), data));
      }
      ending.complete("stopped by the test");
    }, "publisher-" + publisher);
    thread.setDaemon(true);
    publisherThreads.add(thread);
    thread.start();
    return ending;
  }

  private static List<String> endingsNow(List<CompletableFuture<String>> endings) {
    return endings.stream().map(ending -> ending.getNow("still publishing")).toList();
  }

  private static void assertEveryAcknowledgedMessageIsStoredAsAcknowledged(String channel, List<JsonNode> stored, List<Acked> acked) {
    Map<String, String> dataById = new HashMap<>();
    stored.forEach(message -> dataById.put(message.path("id").asText(), message.path("data").asText()));
    assertThat(acked).as("acknowledged publishes on %s", channel).isNotEmpty();
    List<Acked> lostOrChanged = acked.stream().filter(message -> !message.data().equals(dataById.get(message.id()))).toList();
    assertThat(lostOrChanged)
        .as("acknowledged messages of %s that are missing or stored differently after the crash (%d acknowledged, %d stored)",
            channel, acked.size(), stored.size())
        .isEmpty();
  }

  private static void assertIdsStrictlyIncrease(String channel, List<JsonNode> stored) {
    List<String> ids = stored.stream().map(message -> message.path("id").asText()).toList();
    for (int i = 1; i < ids.size(); i++) {
      assertThat(ids.get(i)).as("id %d of %s after %s", i, channel, ids.get(i - 1)).isGreaterThan(ids.get(i - 1));
    }
  }

  /** In the channel, each publisher's numbers increase, no message appears twice, and nothing was made up. */
  private static void assertEachPublisherInPublishOrderOnce(String channel, List<JsonNode> stored) {
    Map<Integer, Integer> lastSequence = new HashMap<>();
    Set<String> seen = new HashSet<>();
    for (JsonNode message : stored) {
      String data = message.path("data").asText();
      assertThat(seen.add(data)).as("%s is stored once in %s", data, channel).isTrue();
      Matcher parts = DATA.matcher(data);
      assertThat(parts.matches()).as("stored data %s in %s is something a publisher sent", data, channel).isTrue();
      int publisher = Integer.parseInt(parts.group(1));
      int sequence = Integer.parseInt(parts.group(2));
      assertThat(CHANNELS.get((publisher + sequence) % CHANNELS.size())).as("the channel %s was sent to", data).isEqualTo(channel);
      Integer previous = lastSequence.put(publisher, sequence);
      if (previous != null) {
        assertThat(sequence).as("publisher %d's messages in %s are in publish order", publisher, channel).isGreaterThan(previous);
      }
    }
  }

  /**
   * A stored message nobody saw acknowledged can only be a publisher's last one, in flight when the
   * server was killed: at most one per publisher, numbered right after its last acknowledged one.
   */
  private static void assertOnlyInFlightPublishesAreStoredUnacknowledged(Map<String, List<JsonNode>> stored, List<Acked> acked) {
    Set<String> ackedData = new HashSet<>();
    Map<Integer, Integer> lastAcked = new HashMap<>();
    for (Acked message : acked) {
      ackedData.add(message.data());
      lastAcked.merge(message.publisher(), message.sequence(), Math::max);
    }
    Map<Integer, List<String>> unacknowledged = new HashMap<>();
    stored.values().stream().flatMap(List::stream).map(message -> message.path("data").asText())
        .filter(data -> !ackedData.contains(data))
        .forEach(data -> {
          Matcher parts = DATA.matcher(data);
          assertThat(parts.matches()).as("stored data %s", data).isTrue();
          unacknowledged.computeIfAbsent(Integer.parseInt(parts.group(1)), publisher -> new ArrayList<>()).add(data);
        });
    unacknowledged.forEach((publisher, data) -> {
      String inFlight = "p" + publisher + "-" + (lastAcked.getOrDefault(publisher, -1) + 1);
      assertThat(data).as("stored but never acknowledged, of publisher %d", publisher).containsExactly(inFlight);
    });
  }
}
