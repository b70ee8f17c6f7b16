package io.switchboard.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.SwitchboardServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code publish} and {@code read}, run in-process against a real server on a random port. */
class PublishAndReadCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger CHANNELS = new AtomicInteger();

  private static SwitchboardServer server;
  private static String url;

  @BeforeAll
  static void startServer() {
    server = SwitchboardServer.start(ServerFixture.testDefaults());
    url = "http://127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stopServer() {
    server.stop();
  }

  /** A channel no other test uses. */
  private static String freshChannel() {
    return "cli.test" + CHANNELS.incrementAndGet();
  }

  private static JsonNode publish(String channel, String data, String... more) throws IOException {
    String[] args = new String[4 + more.length];
    args[0] = "publish";
    args[1] = channel;
    args[2] = data;
    args[3] = "--url=" + url;
    System.arraycopy(more, 0, args, 4, more.length);
    CommandRun run = CommandRun.of(args);
    assertThat(run.exitCode()).as("publish exit code; stderr: %s", run.err()).isZero();
    return JSON.readTree(run.out());
  }

  @Test
  void publishPrintsTheStoredMessageAsJsonWithItsId() throws IOException {
    String channel = freshChannel();

    CommandRun run = CommandRun.of("publish", channel, "hello", "--url", url);

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    JsonNode answer = JSON.readTree(run.out());
    assertThat(answer.path("id").asText()).isNotBlank();
    assertThat(answer.path("channel").asText()).isEqualTo(channel);
    assertThat(answer.path("time").isNumber()).isTrue();
  }

  @Test
  void readFromEarliestPrintsEachMessageThenTheNextCursor() throws IOException {
    String channel = freshChannel();
    String first = publish(channel, "first message").path("id").asText();
    String second = publish(channel, "second", "--event", "order.created").path("id").asText();

    CommandRun run = CommandRun.of("read", channel, "--from", "earliest", "--url", url);

    assertThat(run.exitCode()).as("stderr: %s", run.err()).isZero();
    List<String> lines = run.outLines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).startsWith(first).endsWith("  first message");
    assertThat(lines.get(1)).startsWith(second).contains("[order.created]").endsWith("  second");
    assertThat(lines.get(2)).startsWith("next: ").hasSizeGreaterThan("next: ".length());
  }

  @Test
  void readAfterTheNextCursorPrintsOnlyNewerMessages() throws IOException {
    String channel = freshChannel();
    publish(channel, "old");
    CommandRun firstRead = CommandRun.of("read", channel, "--from", "earliest", "--url", url);
    String next = firstRead.outLines().get(firstRead.outLines().size() - 1).substring("next: ".length());
    publish(channel, "new");

    CommandRun run = CommandRun.of("read", channel, "--after", next, "--url", url);

    assertThat(run.exitCode()).isZero();
    assertThat(run.outLines()).hasSize(2);
    assertThat(run.outLines().get(0)).endsWith("  new");
    assertThat(run.outLines().get(1)).startsWith("next: ");
  }

  @Test
  void longPollReadWithNothingNewExitsCleanlyAfterTheWait() throws IOException {
    String channel = freshChannel();
    String id = publish(channel, "only").path("id").asText();

    long started = System.nanoTime();
    CommandRun run = CommandRun.of("read", channel, "--after", id, "--wait", "1", "--url", url);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(run.exitCode()).as("stderr: %s", run.err()).isZero();
    assertThat(run.outLines()).singleElement().asString().startsWith("next: ");
    assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
  }

  @Test
  void readWithAGarbageCursorExitsWithFailureReportingTheBadRequest() {
    CommandRun run = CommandRun.of("read", freshChannel(), "--after", "garbage", "--url", url);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.errLines()).singleElement().asString().startsWith("switchboard: ").contains("400");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void readWithJsonPrintsTheServersAnswer() throws IOException {
    String channel = freshChannel();
    String id = publish(channel, "as json").path("id").asText();

    CommandRun run = CommandRun.of("read", channel, "--from", "earliest", "--json", "--url", url);

    assertThat(run.exitCode()).isZero();
    JsonNode answer = JSON.readTree(run.out());
    assertThat(answer.path("messages")).hasSize(1);
    assertThat(answer.path("messages").get(0).path("id").asText()).isEqualTo(id);
    assertThat(answer.path("messages").get(0).path("data").asText()).isEqualTo("as json");
    assertThat(answer.path("next").asText()).isNotBlank();
    assertThat(answer.path("truncated").asBoolean()).isFalse();
  }

  @Test
  void readWithALimitPrintsAtMostThatManyMessages() throws IOException {
    String channel = freshChannel();
    publish(channel, "one");
    publish(channel, "two");
    publish(channel, "three");

    CommandRun run = CommandRun.of("read", channel, "--from", "earliest", "--limit", "2", "--url", url);

    assertThat(run.exitCode()).isZero();
    assertThat(run.outLines()).hasSize(3);
    assertThat(run.outLines().get(1)).endsWith("  two");
  }

  @Test
  void publishWithTheSameIdempotencyKeyTwicePrintsTheSameId() throws IOException {
    String channel = freshChannel();

    String first = publish(channel, "once", "--idempotency-key", "k-1").path("id").asText();
    String retried = publish(channel, "once", "--idempotency-key", "k-1").path("id").asText();

    assertThat(retried).isEqualTo(first);
  }

  @Test
  void publishToAPortWhereNothingListensExitsWithFailureSayingItCannotConnect() throws IOException {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }

    CommandRun run = CommandRun.of("publish", "x", "data", "--url", "http://127.0.0.1:" + closedPort);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.errLines()).singleElement().asString().startsWith("switchboard: cannot connect").contains(String.valueOf(closedPort));
  }

  @Test
  void publishWithAnInvalidUrlExitsWithFailureNamingTheUrl() {
    CommandRun run = CommandRun.of("publish", "x", "data", "--url", "ftp://example");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.errLines()).singleElement().asString().startsWith("switchboard: invalid --url ftp://example");
  }

  @Test
  void publishToAnInvalidChannelNameReportsTheServersRefusal() {
    CommandRun run = CommandRun.of("publish", "a..b", "data", "--url", url);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.errLines()).singleElement().asString().startsWith("switchboard: 400");
  }
}
