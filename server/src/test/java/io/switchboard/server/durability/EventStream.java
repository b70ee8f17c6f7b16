package io.switchboard.server.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
 * An event stream ({@code Accept: text/event-stream}) read with the JDK's HTTP client, line by
 * line as the lines arrive, parsed into {@link Event}s. The richer socket-level client of the
 * {@code sse} tests is package-private there; resuming across a restart needs only the events.
 *
 * <p>Threads: the JDK client delivers lines on its own threads; tests read snapshots.
 */
final class EventStream implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private static final Duration HEAD_WAIT = Duration.ofSeconds(10);

  /**
   * One event as sent: its {@code id:} (null when it had none), {@code event:} type (null when it
   * had none) and {@code data:} lines joined with LF.
   */
  record Event(String id, String type, String data) {
    boolean isServerEvent() {
      return type != null && type.startsWith("switchboard.");
    }
  }

  private final String request;
  private final List<Event> events = new ArrayList<>();
  private final CompletableFuture<Integer> status = new CompletableFuture<>();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  private volatile Flow.Subscription subscription;
  // Fields of the event being read; only the JDK's delivering thread touches them.
  private String id;
  private String type;
  private StringBuilder data;

  private EventStream(String request) {
    this.request = request;
  }

  /**
   * Opens {@code pathAndQuery} as an event stream and waits for a {@code 200}.
   *
   * @param headers extra request headers as name, value, name, value...
   */
  static EventStream open(int port, String pathAndQuery, String... headers) {
    EventStream stream = new EventStream("GET " + pathAndQuery);
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
        .header("Accept", "text/event-stream")
        .GET();
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    HTTP.sendAsync(request.build(), info -> {
      stream.status.complete(info.statusCode());
      return HttpResponse.BodySubscribers.fromLineSubscriber(stream.new Lines());
    }).whenComplete((response, failure) -> {
      stream.status.completeExceptionally(failure == null ? new IllegalStateException("no answer") : failure);
      stream.ended.complete(null);
    });
    int answered;
    try {
      answered = stream.status.get(HEAD_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException failed) {
      throw new AssertionError("no answer to " + stream.request + ": " + failed, failed);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(interrupted);
    }
    assertThat(answered).as("status of %s", stream.request).isEqualTo(200);
    return stream;
  }

  List<Event> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  /** The events that carry messages: every event the server did not send about itself. */
  List<Event> messages() {
    return events().stream().filter(event -> !event.isServerEvent()).toList();
  }

  /** Waits at most {@code bound} until at least {@code count} events arrived (server events included); returns them all. */
  List<Event> awaitEvents(int count, Duration bound) {
    await(request + " receives " + count + " events").atMost(bound).pollInterval(Duration.ofMillis(5))
        .until(() -> events().size() >= count || ended.isDone());
    List<Event> all = events();
    assertThat(all).as("events of %s (ended: %s)", request, ended.isDone()).hasSizeGreaterThanOrEqualTo(count);
    return all;
  }

  /** Waits at most {@code bound} until the server has ended the response. */
  void awaitEnd(Duration bound) {
    await(request + " is ended by the server").atMost(bound).until(ended::isDone);
  }

  /** Drops the connection from the client's side. */
  @Override
  public void close() {
    Flow.Subscription current = subscription;
    if (current != null) {
      current.cancel();
    }
  }

  private void line(String line) {
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
      case "id" -> id = value;
      case "event" -> type = value;
      case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
      default -> {
        // retry: and unknown fields say nothing about messages.
      }
    }
  }

  private void dispatch() {
    if (id != null || type != null || data != null) {
      synchronized (events) {
        events.add(new Event(id, type, data == null ? "" : data.toString()));
      }
    }
    id = null;
    type = null;
    data = null;
  }

  /** Receives the body's lines from the JDK client. */
  private final class Lines implements Flow.Subscriber<String> {
    @Override
    public void onSubscribe(Flow.Subscription newSubscription) {
      subscription = newSubscription;
      newSubscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String item) {
      line(item);
    }

    @Override
    public void onError(Throwable throwable) {
      ended.complete(null);
    }

    @Override
    public void onComplete() {
      ended.complete(null);
    }
  }
}
