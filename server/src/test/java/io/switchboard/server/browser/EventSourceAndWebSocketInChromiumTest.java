package io.switchboard.server.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.browser.CuttableProxy.RequestHead;
import io.switchboard.server.browser.PageLog.StreamEvent;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Switchboard as a browser sees it: headless Chromium opens {@code stream-page.html}, which
 * subscribes to one channel with the browser's own {@code EventSource} and {@code WebSocket}, and
 * the test publishes over HTTP and reads back what the page recorded.
 *
 * <p>The page comes from its own origin ({@link PageServer}), so both transports are cross-origin
 * and go through Switchboard's CORS. The event stream goes through a {@link CuttableProxy}, which
 * lets a test drop the stream the way a network would, without stopping the server; the WebSocket
 * goes straight to the server, so a cut of the stream leaves it alone.
 *
 * <p>The stream asks for {@code from=earliest} on a channel of its own: it then holds every
 * message whatever the moment its subscription starts, so no test races the subscription; and on
 * reconnect the browser repeats that query, so the {@code Last-Event-ID} it adds must win over it
 * or the page would see everything again.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventSourceAndWebSocketInChromiumTest {
  /** The longest wait for the page to see something; the server's retry delay is 2 s of it. */
  private static final Duration PAGE_WAIT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private SwitchboardServer switchboard;
  private CuttableProxy proxy;
  private HeadlessChromium browser;
  private String channel;

  @BeforeEach
  void openThePage(@TempDir Path browserProfile) throws IOException {
    PageServer pages = started(PageServer.start());
    switchboard = SwitchboardServer.start(ServerFixture.testDefaults().withCorsOrigins(List.of(pages.origin())));
    started.push(switchboard::stop);
    proxy = started(CuttableProxy.to(switchboard.port()));
    browser = started(HeadlessChromium.start(browserProfile));

    channel = "browser.demo-" + UUID.randomUUID().toString().substring(0, 8);
    String events = "http://127.0.0.1:" + proxy.port() + "/v1/channels/" + channel + "/messages?from=earliest";
    String socket = "ws://127.0.0.1:" + switchboard.port() + "/v1/ws";
    browser.open(pages.pageUrl("stream-page.html",
        "events=" + encode(events) + "&socket=" + encode(socket) + "&channel=" + encode(channel)));
    awaitPage("the EventSource to open and the WebSocket subscription to be acknowledged",
        page -> page.eventSourceOpens() == 1 && page.socketSubscribed());
  }

  @AfterEach
  void stopEverything() throws Exception {
    Exception first = null;
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception failed) {
        if (first == null) {
          first = failed;
        } else {
          first.addSuppressed(failed);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Test
  void eventSourceAndWebSocketDeliverEveryPublishedMessageOnceInOrderWithItsId() {
    List<Published> published = publishAll("first", "two\nlines", "ünïcödé ✓ and emoji 📨", "{\"json\":[1,2,3]}", "", "last");

    PageLog page = awaitPage("every message on both transports", delivered(last(published)));

    assertThat(page.events()).as("the EventSource's message events").containsExactlyElementsOf(asStreamEvents(published));
    assertThat(page.messageFrames()).as("the WebSocket's message frames").hasSize(published.size());
    assertThat(page.messageFrames()).extracting(frame -> frame.path("id").asText())
        .as("ids of the WebSocket's message frames").containsExactlyElementsOf(ids(published));
    assertThat(page.messageFrames()).extracting(frame -> frame.path("data").asText())
        .as("data of the WebSocket's message frames").containsExactlyElementsOf(data(published));
    assertThat(page.messageFrames()).allSatisfy(frame -> assertThat(frame.path("channel").asText()).isEqualTo(channel));
    assertThat(page.serverEvents()).as("Switchboard's own stream events").isEmpty();
    assertThat(page.eventSourceErrorStates()).as("readyState at each EventSource error").isEmpty();
    assertThat(page.socketCloses()).as("WebSocket closes").isEmpty();
  }

  @Test
  void eventSourceReconnectsByItselfAfterTheStreamIsCutAndResumesAfterLastEventIdWithoutLossOrDuplicates() {
    List<Published> beforeCut = publishAll("before the cut 1", "before the cut 2", "before the cut 3");
    awaitPage("the messages published before the cut", delivered(last(beforeCut)));

    proxy.cutAndHold();
    awaitPage("the EventSource to notice the cut", page -> !page.eventSourceErrorStates().isEmpty());
    // Held by the proxy, the browser cannot be back before these are stored: it must fetch them.
    List<Published> whileCut = publishAll("while cut 1", "while cut 2\nwith a second line", "while cut 3");
    proxy.release();
    awaitPage("the EventSource to reopen by itself", page -> page.eventSourceOpens() == 2);
    List<Published> afterReconnect = publishAll("after the reconnect 1", "after the reconnect 2");

    List<Published> all = new ArrayList<>(beforeCut);
    all.addAll(whileCut);
    all.addAll(afterReconnect);
    // Both transports deliver in channel order, so once the last message is in, any loss or
    // duplicate would already show.
    PageLog page = awaitPage("every message on both transports", delivered(last(all)));

    assertThat(page.events()).as("the EventSource's message events, across the cut").containsExactlyElementsOf(asStreamEvents(all));
    assertThat(page.eventSourceErrorStates()).as("readyState at each EventSource error: CONNECTING, never CLOSED")
        .isNotEmpty().containsOnly(PageLog.CONNECTING);
    assertThat(page.eventSourceOpens()).as("times the EventSource opened").isEqualTo(2);
    assertThat(page.serverEvents()).as("Switchboard's own stream events").isEmpty();

    List<RequestHead> streamRequests = proxy.requests().stream().filter(head -> head.method().equals("GET")).toList();
    assertThat(streamRequests).as("stream requests through the proxy").hasSize(2);
    assertThat(streamRequests.get(0).header("Accept")).as("Accept of the first stream request").contains("text/event-stream");
    assertThat(streamRequests.get(0).header("Last-Event-ID")).as("Last-Event-ID of the first stream request").isNull();
    assertThat(streamRequests.get(1).connection()).as("the reconnect's connection").isNotEqualTo(streamRequests.get(0).connection());
    assertThat(streamRequests.get(1).header("Last-Event-ID")).as("Last-Event-ID of the reconnect")
        .isEqualTo(last(beforeCut).id());

    assertThat(page.messageFrames()).extracting(frame -> frame.path("data").asText())
        .as("data of the WebSocket's message frames, which the cut did not touch").containsExactlyElementsOf(data(all));
    assertThat(page.messageFrames()).extracting(frame -> frame.path("id").asText())
        .as("ids of the WebSocket's message frames").containsExactlyElementsOf(ids(all));
    assertThat(page.socketCloses()).as("WebSocket closes").isEmpty();
  }

  /** A message as the server acknowledged it. */
  private record Published(String id, String data) {}

  private <T extends AutoCloseable> T started(T resource) {
    started.push(resource);
    return resource;
  }

  private List<Published> publishAll(String... data) {
    List<Published> published = new ArrayList<>();
    for (String one : data) {
      published.add(publish(one));
    }
    return published;
  }

  private Published publish(String data) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + switchboard.port() + "/v1/channels/" + channel + "/messages"))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "text/plain; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofString(data, StandardCharsets.UTF_8))
        .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      assertThat(response.statusCode()).as("status of publishing %s: %s", data, response.body()).isEqualTo(201);
      JsonNode body = JSON.readTree(response.body());
      return new Published(body.path("id").asText(), data);
    } catch (IOException failed) {
      throw new AssertionError("publishing " + data + " failed: " + failed, failed);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while publishing " + data, interrupted);
    }
  }

  /**
   * Polls the page's log until {@code condition} holds, for at most {@link #PAGE_WAIT}; on time
   * out fails with what the page and the proxy saw last.
   */
  private PageLog awaitPage(String what, Predicate<PageLog> condition) {
    AtomicReference<PageLog> latest = new AtomicReference<>();
    try {
      return await(what)
          .atMost(PAGE_WAIT)
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> {
            PageLog page = PageLog.parse(browser.evaluate(PageLog.READ_SCRIPT));
            latest.set(page);
            return page;
          }, condition);
    } catch (ConditionTimeoutException timedOut) {
      throw new AssertionError("waited " + PAGE_WAIT.toSeconds() + " s for " + what + "; the page recorded " + latest.get()
          + "; the proxy saw " + (proxy == null ? "nothing yet" : proxy.requests()), timedOut);
    }
  }

  private static Predicate<PageLog> delivered(Published last) {
    return page -> page.streamDelivered(last.id()) && page.socketDelivered(last.id());
  }

  private static Published last(List<Published> published) {
    return published.get(published.size() - 1);
  }

  private static List<StreamEvent> asStreamEvents(List<Published> published) {
    return published.stream().map(message -> StreamEvent.message(message.id(), message.data())).toList();
  }

  private static List<String> ids(List<Published> published) {
    return published.stream().map(Published::id).toList();
  }

  private static List<String> data(List<Published> published) {
    return published.stream().map(Published::data).toList();
  }

  private static String encode(String queryValue) {
    return URLEncoder.encode(queryValue, StandardCharsets.UTF_8);
  }
}
