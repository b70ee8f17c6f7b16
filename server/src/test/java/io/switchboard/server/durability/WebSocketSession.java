package io.switchboard.server.durability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A connection to {@code /v1/ws} on the JDK's {@link WebSocket}: sends JSON frames, queues the
 * server's frames in arrival order and records how the connection was closed. The fuller client of
 * the {@code ws} tests is package-private there; resuming across a restart needs only this.
 *
 * <p>Threads: the JDK calls the listener on its own threads; the test thread sends and takes.
 */
final class WebSocketSession implements AutoCloseable {
  static final Duration FRAME_WAIT = Duration.ofSeconds(10);
  /** Close code recorded when the connection ended without a close frame. */
  static final int ABNORMAL = 1006;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final BlockingQueue<JsonNode> arrived = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  private WebSocket socket;

  private WebSocketSession() {}

  static WebSocketSession connect(int port) {
    WebSocketSession session = new WebSocketSession();
    session.socket = HTTP.newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/ws"), session.new Listener())
        .orTimeout(FRAME_WAIT.toMillis(), TimeUnit.MILLISECONDS)
        .join();
    return session;
  }

  /** Sends a frame made of alternating names and values. */
  void send(Object... namesAndValues) {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      fields.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    try {
      socket.sendText(JSON.writeValueAsString(fields), true).orTimeout(FRAME_WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
    } catch (JsonProcessingException impossible) {
      throw new IllegalArgumentException(impossible);
    }
  }

  /** Sends a subscribe frame with {@code more} fields (after, from) and waits for its ack. */
  void subscribe(String channel, Object... more) {
    String ref = "sub-" + channel;
    Object[] fields = new Object[6 + more.length];
    System.arraycopy(new Object[] {"op", "subscribe", "channel", channel, "ref", ref}, 0, fields, 0, 6);
    System.arraycopy(more, 0, fields, 6, more.length);
    send(fields);
    JsonNode answer = take("the answer to subscribing to " + channel, frame -> ref.equals(frame.path("ref").asText()));
    assertThat(answer.path("op").asText()).as("answer to subscribing to %s: %s", channel, answer).isEqualTo("ack");
  }

  /** The next frame, waiting at most {@link #FRAME_WAIT}; fails when none comes. */
  JsonNode next() {
    return take("any frame", frame -> true);
  }

  /** The next {@code count} frames, whatever they are, in arrival order. */
  List<JsonNode> next(int count) {
    List<JsonNode> frames = new ArrayList<>();
    while (frames.size() < count) {
      frames.add(next());
    }
    return frames;
  }

  /** Frames that arrived and were not taken, without waiting. */
  List<JsonNode> unread() {
    List<JsonNode> unread = new ArrayList<>();
    arrived.drainTo(unread);
    return unread;
  }

  /** The close code the server sent, waiting at most {@code bound}. */
  int awaitCloseCode(Duration bound) {
    return closeCode.orTimeout(bound.toMillis(), TimeUnit.MILLISECONDS).join();
  }

  @Override
  public void close() {
    if (socket != null && !closeCode.isDone()) {
      socket.abort();
    }
  }

  /** Takes frames in order until one {@code wanted} accepts; a frame it does not accept fails the test. */
  private JsonNode take(String what, Predicate<JsonNode> wanted) {
    JsonNode frame;
    try {
      frame = arrived.poll(FRAME_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(interrupted);
    }
    assertThat(frame).as("%s within %s (closed with %s)", what, FRAME_WAIT, closeCode.getNow(null)).isNotNull();
    assertThat(wanted.test(frame)).as("%s, but the next frame is %s", what, frame).isTrue();
    return frame;
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence text, boolean last) {
      partial.append(text);
      if (last) {
        try {
          arrived.add(JSON.readTree(partial.toString()));
        } catch (JsonProcessingException notJson) {
          arrived.add(JSON.createObjectNode().put("op", "not JSON").put("text", partial.toString()));
        }
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closeCode.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closeCode.complete(ABNORMAL);
    }
  }
}
