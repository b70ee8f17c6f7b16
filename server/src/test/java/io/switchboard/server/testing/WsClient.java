package io.switchboard.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The WebSocket client of the server tests: a real client of {@code /v1/ws} on the JDK's
 * {@link WebSocket}. (A peer that breaks the protocol on purpose is {@code ws.RawWebSocket}.)
 *
 * <p>Every text message the server sends is parsed as JSON and queued; the test thread takes
 * frames in arrival order with {@link #next()}, or by what they are ({@link #take(String, Predicate)},
 * {@link #ack}, {@link #messages(int)}), and frames it skips over stay queued for later takes, in
 * arrival order. A test that pins the order of frames takes them with {@link #next()} and
 * subscribes with {@link #subscribeAckedFirst}. The close code and reason the server
 * sends (or a transport failure, as close code {@link #ABNORMAL}) are recorded once.
 *
 * <p>Flow control: a client normally asks the JDK for one frame after each it gets. A
 * {@linkplain #connectReadingOnly reading-only} client stops asking after a number of frames, so
 * it stops reading its socket and the server's writes back up, until {@link #resumeReading()}.
 *
 * <p>Threads: the JDK calls the listener on its own threads; the test thread sends and takes.
 * Sends are serialised, as the JDK allows one outstanding send at a time.
 */
public final class WsClient implements AutoCloseable {
  /** Close code recorded when the connection ended without a close frame (RFC 6455 section 7.1.5). */
  public static final int ABNORMAL = 1006;

  /** How long a take waits for a frame that is due. */
  public static final Duration FRAME_WAIT = Duration.ofSeconds(10);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** How the connection ended: the server's close frame, or {@link #ABNORMAL} with the failure. */
  public record Closure(int code, String reason) {}

  private final BlockingQueue<JsonNode> arrived = new LinkedBlockingQueue<>();
  /** Frames arrived but skipped by a take; only the test thread touches it. */
  private final List<JsonNode> skipped = new ArrayList<>();
  private final CompletableFuture<Closure> closure = new CompletableFuture<>();
  private final List<String> unparseable = new CopyOnWriteArrayList<>();
  private final AtomicInteger demandLeft;
  private final Object sendLock = new Object();
  private WebSocket socket;

  private WsClient(int framesToRead) {
    this.demandLeft = new AtomicInteger(framesToRead);
  }

  /** Connects to {@code /v1/ws} of a server on {@code port} and reads every frame it sends. */
  public static WsClient connect(int port) {
    return join(connectAsync(port), "connect to /v1/ws");
  }

  public static CompletableFuture<WsClient> connectAsync(int port) {
    return open(port, Integer.MAX_VALUE);
  }

  /** Connects, reads the first {@code frames} frames (of any kind, pings included), then stops reading. */
  public static WsClient connectReadingOnly(int port, int frames) {
    return join(open(port, frames), "connect to /v1/ws");
  }

  /**
   * Connects to {@code pathAndQuery} (e.g. {@code /v1/ws?access_token=...}) with extra headers
   * given as name, value, name, value...; completes exceptionally when the server refuses the upgrade.
   */
  public static CompletableFuture<WsClient> connectAsync(int port, String pathAndQuery, String... headers) {
    return open(port, pathAndQuery, Integer.MAX_VALUE, headers);
  }

  private static CompletableFuture<WsClient> open(int port, int framesToRead) {
    return open(port, "/v1/ws", framesToRead);
  }

  /** Completes exceptionally (with the JDK's handshake failure) when the server refuses the upgrade. */
  private static CompletableFuture<WsClient> open(int port, String pathAndQuery, int framesToRead, String... headers) {
    WsClient client = new WsClient(framesToRead);
    WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    return builder
        .buildAsync(URI.create("ws://127.0.0.1:" + port + pathAndQuery), client.new Listener())
        .thenApply(socket -> {
          client.socket = socket;
          return client;
        });
  }

  /** A JSON frame from alternating names and values; a value may be a map (for {@code after}). */
  public static String frame(Object... namesAndValues) {
    Map<String, Object> fields = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      fields.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    try {
      return JSON.writeValueAsString(fields);
    } catch (JsonProcessingException impossible) {
      throw new IllegalArgumentException("cannot write " + fields + " as JSON", impossible);
    }
  }

  /** Sends one text frame and waits until the JDK has handed it to the socket. */
  public void send(String text) {
    synchronized (sendLock) {
      join(socket.sendText(text, true), "send " + abbreviate(text) + " (closure: " + closure.getNow(null) + ")");
    }
  }

  /** Sends, ignoring a failure because the connection is closed: for frames sent to see how a connection ends. */
  public void sendUnlessClosed(String text) {
    synchronized (sendLock) {
      try {
        socket.sendText(text, true).get(FRAME_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException closed) {
        // What the test awaits next shows how the connection ended.
      } catch (TimeoutException slow) {
        throw new AssertionError("send " + abbreviate(text) + " did not complete", slow);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while sending", interrupted);
      }
    }
  }

  public void sendBinary(byte[] bytes) {
    synchronized (sendLock) {
      join(socket.sendBinary(ByteBuffer.wrap(bytes), true), "send a binary frame");
    }
  }

  /** Subscribes with a ref and waits for the ack; {@code more} are further fields (after, from, since). */
  public void subscribe(String channel, Object... more) {
    send(subscribeFrame(channel, more));
    ack(subscribeRef(channel));
  }

  /**
   * Subscribes as {@link #subscribe} does and asserts that the ack is the next frame not yet taken:
   * nothing the subscription delivers may come before it.
   */
  public void subscribeAckedFirst(String channel, Object... more) {
    send(subscribeFrame(channel, more));
    JsonNode answer = next();
    assertThat(answer.path("ref").asText()).as("the first frame after subscribing to %s: %s", channel, answer)
        .isEqualTo(subscribeRef(channel));
    assertThat(answer.path("op").asText()).as("answer to subscribing to %s: %s", channel, answer).isEqualTo("ack");
  }

  private static String subscribeRef(String channel) {
    return "sub-" + channel;
  }

  private static String subscribeFrame(String channel, Object... more) {
    Object[] fields = new Object[6 + more.length];
    fields[0] = "op";
    fields[1] = "subscribe";
    fields[2] = "channel";
    fields[3] = channel;
    fields[4] = "ref";
    fields[5] = subscribeRef(channel);
    System.arraycopy(more, 0, fields, 6, more.length);
    return frame(fields);
  }

  public void unsubscribe(String channel) {
    String ref = "unsub-" + channel;
    send(frame("op", "unsubscribe", "channel", channel, "ref", ref));
    ack(ref);
  }

  /** Publishes with a ref and returns the id of the ack. */
  public String publish(String channel, String data) {
    String ref = "pub-" + UUID.randomUUID();
    send(frame("op", "publish", "channel", channel, "data", data, "ref", ref));
    JsonNode ack = ack(ref);
    assertThat(ack.path("id").isTextual()).as("ack of a publish carries the id: %s", ack).isTrue();
    return ack.path("id").asText();
  }

  /** Sends a ping with a ref and waits for its pong: proof that the connection still works. */
  public void assertStillUsable() {
    String ref = "alive-" + System.nanoTime();
    send(frame("op", "ping", "ref", ref));
    take("pong with ref " + ref, frame -> "pong".equals(frame.path("op").asText()) && ref.equals(frame.path("ref").asText()));
  }

  /** The ack with {@code ref}; fails at once on an error frame with that ref. */
  public JsonNode ack(String ref) {
    JsonNode answer = take("ack or error with ref " + ref, frame -> ref.equals(frame.path("ref").asText())
        && ("ack".equals(frame.path("op").asText()) || "error".equals(frame.path("op").asText())));
    assertThat(answer.path("op").asText()).as("answer to ref %s: %s", ref, answer).isEqualTo("ack");
    return answer;
  }

  /** The next error frame, with or without a ref. */
  public JsonNode error() {
    return take("an error frame", frame -> "error".equals(frame.path("op").asText()));
  }

  /** The next frame, whatever it is, waiting at most {@link #FRAME_WAIT}. */
  public JsonNode next() {
    return take("any frame", frame -> true);
  }

  /** The next {@code count} frames, whatever they are, in arrival order; each waits at most {@link #FRAME_WAIT}. */
  public List<JsonNode> next(int count) {
    List<JsonNode> frames = new ArrayList<>(count);
    while (frames.size() < count) {
      frames.add(take("frame " + (frames.size() + 1) + " of " + count, frame -> true));
    }
    return frames;
  }

  /** The next {@code count} message frames, in arrival order; other frames stay queued. */
  public List<JsonNode> messages(int count) {
    return messages(count, FRAME_WAIT);
  }

  public List<JsonNode> messages(int count, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    List<JsonNode> messages = new ArrayList<>(count);
    while (messages.size() < count) {
      long left = deadline - System.nanoTime();
      JsonNode message = take("message " + (messages.size() + 1) + " of " + count, WsClient::isMessage, Math.max(1, left));
      messages.add(message);
    }
    return messages;
  }

  /** Message frames up to and including the first of {@code channel} with {@code data}: for sentinel publishes. */
  public List<JsonNode> messagesUntil(String channel, String data) {
    List<JsonNode> messages = new ArrayList<>();
    while (true) {
      JsonNode message = take("message " + data + " on " + channel + " (after " + messages.size() + " others)", WsClient::isMessage);
      messages.add(message);
      if (channel.equals(message.path("channel").asText()) && data.equals(message.path("data").asText())) {
        return messages;
      }
    }
  }

  /** The first queued frame that {@code wanted} accepts, waiting at most {@link #FRAME_WAIT}. */
  public JsonNode take(String what, Predicate<JsonNode> wanted) {
    return take(what, wanted, FRAME_WAIT.toNanos());
  }

  private JsonNode take(String what, Predicate<JsonNode> wanted, long waitNanos) {
    assertThat(unparseable).as("frames that are not JSON").isEmpty();
    for (Iterator<JsonNode> it = skipped.iterator(); it.hasNext(); ) {
      JsonNode frame = it.next();
      if (wanted.test(frame)) {
        it.remove();
        return frame;
      }
    }
    long deadline = System.nanoTime() + waitNanos;
    while (true) {
      JsonNode frame = pollUntil(deadline);
      if (frame == null) {
        boolean closed = closure.isDone();
        throw new AssertionError("no " + what + (closed ? " before the connection closed" : " within " + Duration.ofNanos(waitNanos).toMillis() + " ms")
            + "; skipped frames: " + describe(skipped) + "; closure: " + closure.getNow(null));
      }
      if (wanted.test(frame)) {
        return frame;
      }
      skipped.add(frame);
    }
  }

  /** The next frame, or null once the connection is closed with nothing more queued. */
  public JsonNode nextUnlessClosed() {
    if (!skipped.isEmpty()) {
      return skipped.remove(0);
    }
    JsonNode frame = pollUntil(System.nanoTime() + FRAME_WAIT.toNanos());
    if (frame == null && !closure.isDone()) {
      throw new AssertionError("neither a frame nor a close within " + FRAME_WAIT.toMillis() + " ms");
    }
    return frame;
  }

  /** Polls in short slices, so that a closed connection ends the wait at once; null at the deadline or once closed and drained. */
  private JsonNode pollUntil(long deadline) {
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return arrived.poll();
      }
      boolean closedBefore = closure.isDone();
      JsonNode frame;
      try {
        frame = arrived.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a frame", interrupted);
      }
      if (frame != null || closedBefore) {
        // Frames are queued before the close is recorded, so once closed an empty poll means no more.
        return frame;
      }
    }
  }

  /** Frames that arrived and were not taken, without waiting. */
  public List<JsonNode> drainUnread() {
    List<JsonNode> unread = new ArrayList<>(skipped);
    skipped.clear();
    arrived.drainTo(unread);
    return unread;
  }

  /** Starts asking for frames again after a {@linkplain #connectReadingOnly reading-only} start. */
  public void resumeReading() {
    demandLeft.set(Integer.MAX_VALUE);
    socket.request(1);
  }

  /** How the server ended the connection, waiting at most {@code within}. */
  public Closure awaitClosure(Duration within) {
    try {
      return closure.get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException open) {
      throw new AssertionError("the connection was not closed within " + within.toMillis() + " ms", open);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the close", interrupted);
    } catch (ExecutionException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  public Optional<Closure> closure() {
    return Optional.ofNullable(closure.getNow(null));
  }

  /** Drops the TCP connection without a close handshake, like a client that vanished. */
  public void abort() {
    socket.abort();
  }

  /** Closes politely (1000) and waits briefly for the server's answer; aborts if it does not come. */
  @Override
  public void close() {
    if (socket == null || closure.isDone()) {
      return;
    }
    try {
      synchronized (sendLock) {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "test done").get(2, TimeUnit.SECONDS);
      }
      closure.get(2, TimeUnit.SECONDS);
    } catch (Exception notAnswered) {
      socket.abort();
    }
  }

  public static boolean isMessage(JsonNode frame) {
    return "message".equals(frame.path("op").asText());
  }

  public static List<String> field(List<JsonNode> frames, String name) {
    return frames.stream().map(frame -> frame.path(name).asText()).toList();
  }

  private static String describe(List<JsonNode> frames) {
    if (frames.size() <= 5) {
      return frames.toString();
    }
    return frames.subList(0, 5).stream().map(JsonNode::toString).collect(Collectors.joining(", ", "[", ", ... "))
        + (frames.size() - 5) + " more]";
  }

  private static String abbreviate(String text) {
    return text.length() <= 120 ? text : text.substring(0, 120) + "... (" + text.length() + " chars)";
  }

  private static <T> T join(CompletableFuture<T> future, String what) {
    try {
      return future.get(FRAME_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException slow) {
      throw new AssertionError(what + " did not complete within " + FRAME_WAIT, slow);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + what, interrupted);
    } catch (ExecutionException failed) {
      throw new IllegalStateException(what + " failed: " + failed.getCause(), failed.getCause());
    }
  }

  /** Receives on the JDK's threads: assembles text messages, parses them, asks for more while allowed. */
  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public void onOpen(WebSocket webSocket) {
      askForMore(webSocket);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          arrived.add(JSON.readTree(text));
        } catch (JsonProcessingException notJson) {
          unparseable.add(text);
        }
      }
      askForMore(webSocket);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      unparseable.add("a binary frame of " + data.remaining() + " bytes");
      askForMore(webSocket);
      return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
      // The JDK answers the ping with a pong by itself.
      askForMore(webSocket);
      return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
      askForMore(webSocket);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closure.complete(new Closure(statusCode, reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closure.complete(new Closure(ABNORMAL, String.valueOf(error)));
    }

    private void askForMore(WebSocket webSocket) {
      if (demandLeft.getAndUpdate(left -> left == Integer.MAX_VALUE ? left : Math.max(0, left - 1)) > 0) {
        webSocket.request(1);
      }
    }
  }
}
