package io.switchboard.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A session's event stream ({@code GET /v1/sessions/{id}/messages} with
 * {@code Accept: text/event-stream}) read with the JDK client line by line, parsed as a browser's
 * {@code EventSource} would (WHATWG HTML, "Server-sent events"): what a test needs to play a browser
 * that connects, sees events, drops the connection and reconnects with {@code Last-Event-ID}.
 *
 * <p>The {@code sse} package has a socket-level client for framing tests; it is package-private
 * there, and these tests need only the dispatched events, so this one stays small.
 *
 * <p>Threads: the JDK client's executor delivers lines and writes the state under {@code this};
 * tests read snapshots from their own thread.
 */
final class SessionStream implements AutoCloseable {
  /**
   * One dispatched event.
   *
   * @param type the {@code event:} field, or {@code message}
   * @param data the {@code data:} lines joined with LF
   * @param lastEventId the last event ID at dispatch: what a browser sends back as {@code Last-Event-ID}
   */
  record Event(String type, String data, String lastEventId) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The data as JSON: on session streams, the message with its id and channel. */
    JsonNode message() {
      try {
        return JSON.readTree(data);
      } catch (IOException notJson) {
        throw new AssertionError("event data is not JSON: " + this, notJson);
      }
    }

    boolean isServerEvent() {
      return type.startsWith("switchboard.");
    }
  }

  private static final Duration HEAD_TIMEOUT = Duration.ofSeconds(10);

  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private final String request;
  private final CompletableFuture<HttpResponse.ResponseInfo> head = new CompletableFuture<>();
  private final List<Event> events = new ArrayList<>();
  private final StringBuilder data = new StringBuilder();
  private String type = "";
  private String lastEventId = "";
  private boolean ended;
  private Flow.Subscription subscription;
  private boolean closed;

  private SessionStream(String request) {
    this.request = request;
  }

  /**
   * Opens the stream of session {@code id} and waits for the answer's head, asserting a
   * {@code 200} event stream.
   *
   * @param headers extra request headers as name, value, name, value...
   */
  static SessionStream open(int port, String id, String... headers) {
    return openPath(port, SessionClient.messagesPath(id), headers);
  }

  /** As {@link #open}, on a path and query given whole. */
  static SessionStream openPath(int port, String pathAndQuery, String... headers) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
        .header("Accept", "text/event-stream")
        .GET();
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    SessionStream stream = new SessionStream("GET " + pathAndQuery);
    CLIENT.sendAsync(builder.build(), info -> {
      stream.head.complete(info);
      return HttpResponse.BodySubscribers.fromLineSubscriber(stream.new Lines());
    }).whenComplete((response, failure) -> stream.end());
    stream.expectEventStream();
    return stream;
  }

  private void expectEventStream() {
    HttpResponse.ResponseInfo info;
    try {
      info = head.get(HEAD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while opening " + request, interrupted);
    } catch (ExecutionException | TimeoutException failed) {
      throw new AssertionError(request + " has no answer within " + HEAD_TIMEOUT, failed);
    }
    assertThat(info.statusCode()).as("status of %s", request).isEqualTo(200);
    assertThat(info.headers().firstValue("Content-Type")).as("Content-Type of %s", request)
        .hasValueSatisfying(value -> assertThat(value).startsWith("text/event-stream"));
  }

  /** Every event in arrival order, the server's own {@code switchboard.*} events included. */
  synchronized List<Event> events() {
    return List.copyOf(events);
  }

  /** Events carrying messages, in arrival order (the server's own {@code switchboard.*} events left out). */
  synchronized List<Event> messages() {
    return events.stream().filter(event -> !event.isServerEvent()).toList();
  }

  /** Waits at most {@code bound} until at least {@code count} message events arrived; returns them all. */
  List<Event> awaitMessages(int count, Duration bound) {
    await(request + " receives " + count + " messages")
        .atMost(bound)
        .pollInterval(Duration.ofMillis(5))
        .until(() -> messages().size() >= count || hasEnded());
    List<Event> all = messages();
    assertThat(all).as("messages of %s (ended: %s)", request, hasEnded()).hasSizeGreaterThanOrEqualTo(count);
    return all;
  }

  synchronized boolean hasEnded() {
    return ended;
  }

  /** Drops the connection, as a browser does when its page goes away or its process dies. */
  @Override
  public void close() {
    Flow.Subscription toCancel;
    synchronized (this) {
      closed = true;
      toCancel = subscription;
    }
    if (toCancel != null) {
      toCancel.cancel();
    }
  }

  private synchronized void end() {
    ended = true;
  }

  private synchronized void line(String line) {
    if (line.isEmpty()) {
      dispatch();
      return;
    }
    if (line.startsWith(":")) {
      return;
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "data" -> data.append(value).append('\n');
      case "event" -> type = value;
      case "id" -> {
        if (!value.contains("\0")) {
          lastEventId = value;
        }
      }
      default -> {
        // retry: and unknown fields change nothing a test looks at.
      }
    }
  }

  private void dispatch() {
    if (data.length() == 0) {
      type = "";
      return;
    }
    String joined = data.substring(0, data.length() - 1);
    events.add(new Event(type.isEmpty() ? "message" : type, joined, lastEventId));
    data.setLength(0);
    type = "";
  }

  /** Receives the body line by line on the client's executor. */
  private final class Lines implements Flow.Subscriber<String> {
    @Override
    public void onSubscribe(Flow.Subscription given) {
      boolean cancelAtOnce;
      synchronized (SessionStream.this) {
        subscription = given;
        cancelAtOnce = closed;
      }
      if (cancelAtOnce) {
        given.cancel();
      } else {
        given.request(Long.MAX_VALUE);
      }
    }

    @Override
    public void onNext(String line) {
      line(line);
    }

    @Override
    public void onError(Throwable failure) {
      end();
    }

    @Override
    public void onComplete() {
      end();
    }
  }
}
