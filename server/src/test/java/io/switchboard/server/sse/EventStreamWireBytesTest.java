package io.switchboard.server.sse;

import static io.switchboard.server.testing.ServerFixture.uniqueChannel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.ServerFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bytes of event streams on the wire, read from raw sockets: a channel's events are framed as
 * HTTP chunks once and written to every subscriber as they are, past Vert.x's HTTP encoder
 * ({@code ChunkedBodyWriter}), so what is checked here is that the result is still exact HTTP/1.1
 * chunked encoding (one chunk per event, lengths in bytes of UTF-8, a clean {@code 0\r\n\r\n} at the
 * end), the same for every subscriber, with heartbeats between events, and that HTTP/1.0 and a
 * connection reused after its stream are served right too.
 */
class EventStreamWireBytesTest {
  private static final Duration PROMPTLY = Duration.ofSeconds(10);
  private static final String HEARTBEAT = ":\n\n";
  private static final String OPENING = "retry: 2000\n: switchboard event stream\n\n";

  @Test
  void everySubscriberReadsTheSameChunksOneEventEachWithHeartbeatsBetweenAndAFinalZeroChunk() throws Exception {
    SwitchboardServer server = ServerFixture.start(settings -> settings
        .withSseHeartbeat(Duration.ofMillis(50))
        .withShutdownTimeout(Duration.ofSeconds(3)));
    ExecutorService readers = Executors.newCachedThreadPool();
    boolean stopped = false;
    try {
      Api api = new Api(server.port());
      String channel = uniqueChannel("wire");
      List<ChunkedReader> subscribers = new ArrayList<>();
      List<CompletableFuture<Void>> reading = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        ChunkedReader subscriber = ChunkedReader.open(api.port(), Api.messagesPath(channel), "HTTP/1.1");
        subscribers.add(subscriber);
        reading.add(CompletableFuture.runAsync(subscriber::readChunks, readers));
      }
      api.awaitSubscribers(channel, "sse", subscribers.size(), PROMPTLY);

      String nearMax = "x".repeat(1_048_576 - 64);
      List<String> expected = new ArrayList<>();
      expected.add(OPENING);
      expected.add("id: " + api.publishedId(channel, "plain") + "\ndata: plain\n\n");
      expected.add("id: " + api.publishedId(channel, "héllo wörld — 日本語 🎉") + "\ndata: héllo wörld — 日本語 🎉\n\n");
      awaitHeartbeatsAfterTheLatestEvent(subscribers);
      expected.add("id: " + api.publishedId(channel, "order.created", "line one\nline two") + "\nevent: order.created\ndata: line one\ndata: line two\n\n");
      expected.add("id: " + api.publishedId(channel, nearMax) + "\ndata: " + nearMax + "\n\n");
      awaitHeartbeatsAfterTheLatestEvent(subscribers);

      server.stop();
      stopped = true;
      CompletableFuture.allOf(reading.toArray(CompletableFuture[]::new)).get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);

      for (ChunkedReader subscriber : subscribers) {
        List<String> events = subscriber.chunksBut(HEARTBEAT);
        assertThat(events).as("each event one chunk, in order").hasSize(expected.size() + 1).startsWith(expected.toArray(String[]::new));
        assertThat(events.get(events.size() - 1)).as("the final event").startsWith("event: switchboard.shutdown\ndata: {\"detail\":");
        assertThat(subscriber.chunks()).as("heartbeats between events").contains(HEARTBEAT);
        assertThat(subscriber.ending()).as("after the zero chunk").isEqualTo(Ending.CLOSED_AFTER_LAST_CHUNK);
      }
      assertThat(subscribers).extracting(subscriber -> subscriber.chunksBut(HEARTBEAT))
          .as("every subscriber, the same bytes").containsOnly(subscribers.get(0).chunksBut(HEARTBEAT));
    } finally {
      readers.shutdownNow();
      if (!stopped) {
        server.stop();
      }
    }
  }

  @Test
  void anHttp10ClientReadsTheEventsWithoutChunkFraming() throws Exception {
    SwitchboardServer server = ServerFixture.start(settings -> settings.withShutdownTimeout(Duration.ofSeconds(3)));
    boolean stopped = false;
    try (ChunkedReader subscriber = ChunkedReader.open(server.port(), Api.messagesPath(uniqueChannel("http10")), "HTTP/1.0")) {
      Api api = new Api(server.port());
      String channel = subscriber.path().substring("/v1/channels/".length(), subscriber.path().length() - "/messages".length());
      api.awaitSubscribers(channel, "sse", 1, PROMPTLY);
      String id = api.publishedId(channel, "héllo 🎉");

      server.stop();
      stopped = true;

      assertThat(subscriber.head()).doesNotContainIgnoringCase("transfer-encoding");
      assertThat(subscriber.bodyUntilClosed()).startsWith(OPENING + "id: " + id + "\ndata: héllo 🎉\n\n" + "event: switchboard.shutdown\n")
          .endsWith("\n\n").doesNotContain("\r\n");
    } finally {
      if (!stopped) {
        server.stop();
      }
    }
  }

  /** Also with {@code push.tcp-nodelay: false}, which the stream turns off on its socket and gives back when it ends. */
  @ParameterizedTest(name = "push.tcp-nodelay: {0}")
  @ValueSource(booleans = {true, false})
  void theConnectionServesTheNextRequestAfterItsStreamEnded(boolean tcpNoDelay) throws Exception {
    SwitchboardServer server = ServerFixture.start(settings -> settings.withPushTcpNoDelay(tcpNoDelay));
    try {
      Api api = new Api(server.port());
      String channel = uniqueChannel("reuse");
      JsonNode session = api.send("POST", "/v1/sessions", ("{\"channels\":[\"" + channel + "\"]}").getBytes(StandardCharsets.UTF_8),
          "Content-Type", "application/json").expectJson(201);
      String id = session.path("id").asText();
      try (ChunkedReader subscriber = ChunkedReader.open(api.port(), "/v1/sessions/" + id + "/messages", "HTTP/1.1")) {
        api.awaitSubscribers(channel, "sse", 1, PROMPTLY);
        api.publishedId(channel, "one");
        api.send("DELETE", "/v1/sessions/" + id, null).expect(204);

        CompletableFuture.runAsync(subscriber::readChunks).get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);

        assertThat(subscriber.chunksBut(HEARTBEAT)).hasSize(3);
        assertThat(subscriber.chunksBut(HEARTBEAT).get(2)).startsWith("event: switchboard.session-ended\n");
        assertThat(subscriber.ending()).isEqualTo(Ending.OPEN_AFTER_LAST_CHUNK);
        assertThat(subscriber.nextResponseHead("/health/ready")).startsWith("HTTP/1.1 200 ");
      }
    } finally {
      server.stop();
    }
  }

  private static void awaitHeartbeatsAfterTheLatestEvent(List<ChunkedReader> subscribers) {
    await("a heartbeat after the latest event, on every stream").atMost(PROMPTLY)
        .until(() -> subscribers.stream().allMatch(subscriber -> subscriber.lastChunk().equals(HEARTBEAT)));
  }

  enum Ending { CLOSED_AFTER_LAST_CHUNK, OPEN_AFTER_LAST_CHUNK }

  /** A raw HTTP client of one event stream that checks the chunked encoding byte by byte. */
  private static final class ChunkedReader implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final String path;
    private final String head;
    private final List<String> chunks = new CopyOnWriteArrayList<>();
    private volatile Ending ending;

    private ChunkedReader(Socket socket, String path) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.path = path;
      this.head = readHead(in);
    }

    static ChunkedReader open(int port, String path, String version) throws IOException {
      Socket socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout((int) PROMPTLY.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " " + version + "\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      ChunkedReader reader = new ChunkedReader(socket, path);
      assertThat(reader.head).startsWith(version + " 200 ");
      return reader;
    }

    String path() {
      return path;
    }

    String head() {
      return head;
    }

    List<String> chunks() {
      return chunks;
    }

    List<String> chunksBut(String leftOut) {
      return chunks.stream().filter(chunk -> !chunk.equals(leftOut)).toList();
    }

    String lastChunk() {
      return chunks.isEmpty() ? "" : chunks.get(chunks.size() - 1);
    }

    Ending ending() {
      return ending;
    }

    /** Reads chunks up to the terminating zero chunk, asserting each one's framing. */
    void readChunks() {
      try {
        while (true) {
          String sizeLine = line(in);
          assertThat(sizeLine).as("a chunk's size line").matches("[0-9a-f]+");
          int size = Integer.parseInt(sizeLine, 16);
          if (size == 0) {
            assertThat(line(in)).as("the empty line after the zero chunk (no trailers)").isEmpty();
            break;
          }
          byte[] data = in.readNBytes(size);
          assertThat(data).as("a chunk's data").hasSize(size);
          assertThat(in.readNBytes(2)).as("the CRLF after a chunk's data").containsExactly((byte) '\r', (byte) '\n');
          chunks.add(new String(data, StandardCharsets.UTF_8));
        }
        socket.setSoTimeout(500);
        ending = readsEndOfStream() ? Ending.CLOSED_AFTER_LAST_CHUNK : Ending.OPEN_AFTER_LAST_CHUNK;
      } catch (IOException failed) {
        throw new AssertionError("reading " + path + " after " + chunks.size() + " chunks", failed);
      }
    }

    /** The rest of the body, for a response without chunks, up to the server's close. */
    String bodyUntilClosed() throws IOException {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    /** Sends another request on this connection and reads its response's head. */
    String nextResponseHead(String pathAndQuery) throws IOException {
      socket.setSoTimeout((int) PROMPTLY.toMillis());
      socket.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      return readHead(in);
    }

    private boolean readsEndOfStream() throws IOException {
      try {
        int next = in.read();
        assertThat(next).as("no byte after the zero chunk").isEqualTo(-1);
        return true;
      } catch (java.net.SocketTimeoutException stillOpen) {
        return false;
      }
    }

    private static String readHead(InputStream in) throws IOException {
      StringBuilder head = new StringBuilder();
      for (String line = line(in); !line.isEmpty(); line = line(in)) {
        head.append(line).append('\n');
      }
      return head.toString();
    }

    private static String line(InputStream in) throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b == -1) {
          throw new IOException("the stream ended inside a line: " + line.toString(StandardCharsets.UTF_8));
        }
        line.write(b);
      }
      byte[] bytes = line.toByteArray();
      assertThat(bytes).as("a line ends with CRLF").endsWith((byte) '\r');
      return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
