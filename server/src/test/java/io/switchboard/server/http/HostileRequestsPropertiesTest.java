package io.switchboard.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.switchboard.core.HostileInput;
import io.switchboard.core.InvalidInputException;
import io.switchboard.core.channel.ChannelName;
import io.switchboard.core.cursor.Cursor;
import io.switchboard.core.cursor.StreamCursor;
import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.testing.Api;
import io.switchboard.server.testing.RawHttp;
import io.switchboard.server.testing.Reply;
import io.switchboard.server.testing.ServerFixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Arbitrary requests to a real server, as a stranger sends them: any method, any path (the API's
 * paths with arbitrary segments, and others), any query, the headers the API reads with any value,
 * any body. Every answer is below 500, an error is an {@code application/problem+json} answer,
 * and the server stays live. Requests the JDK client refuses to send (broken percent-encoding,
 * bytes outside ASCII, broken syntax) go over a plain socket.
 *
 * <p>Waits are kept out (a valid {@code wait=} or {@code Prefer: wait=} holds an answer for
 * seconds, as it should), and so are event streams, which do not end: the tries stay fast.
 */
class HostileRequestsPropertiesTest {
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);
  private static final List<String> PATHS = List.of("/v1/channels/{}/messages", "/v1/channels/{}", "/v1/channels", "/v1/subscribe",
      "/v1/ws", "/v1/sessions", "/v1/sessions/{}", "/v1/sessions/{}/messages", "/v1/sessions/{}/ack", "/v1/queues/{}",
      "/v1/queues/{}/jobs", "/v1/queues/{}/claim", "/v1/jobs/{}", "/v1/jobs/{}/complete", "/v1/jobs/{}/fail", "/v1/jobs/{}/heartbeat",
      "/health/live", "/health/ready", "/{}", "/v1/{}/{}", "/v1/channels/{}/messages/{}");
  private static final List<String> METHODS = List.of("GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS", "HEAD", "PROPFIND");
  private static final List<String> PARAMETERS = List.of("channel", "after", "from", "limit", "event", "attempts", "callback", "retry",
      "lease", "ack", "wait");
  private static final List<String> HEADERS = List.of("Idempotency-Key", "Last-Event-ID", "Switchboard-Lease", "Prefer", "Content-Type",
      "Accept", "Origin", "X-Anything");
  /** Characters a URI may carry as they are in a path segment or a query, besides letters, digits and "-._~". */
  private static final String SUB_DELIMS = "!$&'()*+,;=:@";
  private static final String CURSOR = Cursor.of(ChannelName.of("orders.42"), 7, 3).encode();

  private static SwitchboardServer server;
  private static HttpClient http;

  /** One request as the JDK client sends it; {@code body} is null for none. */
  record HostileRequest(String method, String target, List<String> headers, byte[] body) {
    @Override
    public String toString() {
      return method + " " + target + " " + headers + (body == null ? "" : " with body " + HostileRequestsPropertiesTest.shown(body));
    }
  }

  @BeforeContainer
  static void startServer() {
    server = ServerFixture.start(UnaryOperator.identity());
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterContainer
  static void stopServer() {
    if (server != null) {
      server.stop();
    }
  }

  @Property(tries = 250)
  void anyRequestIsAnsweredBelow500WithAProblemForEveryError(@ForAll("requests") HostileRequest request) throws Exception {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + request.target()))
        .timeout(ANSWER_WITHIN)
        .method(request.method(), request.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(request.body()));
    for (int i = 0; i < request.headers().size(); i += 2) {
      builder.header(request.headers().get(i), request.headers().get(i + 1));
    }

    HttpResponse<byte[]> answer = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());

    assertThat(answer.statusCode()).as("status; body: %s", shown(answer.body())).isLessThan(500);
    if (answer.statusCode() >= 400) {
      assertThat(answer.headers().firstValue("Content-Type")).as("Content-Type of a %s", answer.statusCode())
          .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    }
    assertServerIsLive();
  }

  @Property(tries = 100)
  void anyRequestOnAPlainSocketIsAnsweredBelow500WithAProblemForEveryError(@ForAll("rawRequests") String request) throws IOException {
    Reply answer = RawHttp.exchange(server.port(), request.getBytes(StandardCharsets.ISO_8859_1));

    assertThat(answer.status()).as("status; body: %s", answer.text()).isLessThan(500);
    if (answer.status() >= 400) {
      assertThat(answer.header("Content-Type")).as("Content-Type of a %s", answer.status()).startsWith("application/problem+json");
    }
    assertServerIsLive();
  }

  @Provide
  Arbitrary<HostileRequest> requests() {
    Arbitrary<String> path = Combinators.combine(Arbitraries.of(PATHS), segment(), segment())
        .as((template, first, second) -> template.replaceFirst("\\{}", Matcher.quoteReplacement(first))
            .replaceFirst("\\{}", Matcher.quoteReplacement(second)));
    Arbitrary<String> target = Combinators.combine(path, query().injectNull(0.3)).as((p, q) -> q == null ? p : p + "?" + q);
    return Combinators.combine(Arbitraries.of(METHODS), target, headers(), body().injectNull(0.4)).as(HostileRequest::new);
  }

  @Provide
  Arbitrary<String> rawRequests() {
    Arbitrary<String> method = Arbitraries.oneOf(Arbitraries.of("GET", "POST", "DELETE", "OPTIONS"),
        Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(8));
    Arbitrary<String> oddTarget = Arbitraries.strings().withChars("/%abAZ09.*>?=&#[]{}|\\^`\"<> \t").withCharRange('\u0080', '\u00ff')
        .withChars('\u0000', '\u007f').ofMaxLength(40);
    Arbitrary<String> target = Arbitraries.oneOf(
        Combinators.combine(Arbitraries.of(PATHS), oddTarget).as((template, odd) -> template.replace("{}", odd)),
        oddTarget.map(odd -> "/v1/channels/orders.42/messages?" + odd),
        Arbitraries.of("*", "http://127.0.0.1/health/live", "/v1/channels/%zz/messages", "/v1/channels/a%/messages", "/v1/subscribe?channel=%",
            "/v1/subscribe?channel=%zz", "/v1/subscribe?channel=a&channel=%c3", "/v1/sessions/%00", "/v1/jobs/%ff%fe", "/%2e%2e/health/live",
            "/v1/channels?after=%e0%80%80"));
    Arbitrary<String> headerLine = Combinators.combine(Arbitraries.oneOf(Arbitraries.of(HEADERS), Arbitraries.strings().withCharRange('!', '~')
        .excludeChars(':').ofMinLength(1).ofMaxLength(12)), Arbitraries.strings().withCharRange(' ', '\u00ff').withChars('\t').ofMaxLength(40))
        .as((name, value) -> name + ": " + value + "\r\n")
        .filter(line -> !line.regionMatches(true, 0, "Content-Length", 0, 14) && !line.regionMatches(true, 0, "Transfer-Encoding", 0, 17)
            && !line.toLowerCase(Locale.ROOT).contains("text/event-stream") && !line.regionMatches(true, 0, "Expect", 0, 6)
            && !line.regionMatches(true, 0, "Prefer", 0, 6));
    Arbitrary<String> body = Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(60);
    return Combinators.combine(method, target, headerLine.list().ofMaxSize(3), body.injectNull(0.5)).as((m, t, lines, b) ->
        m + " " + t + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + String.join("", lines)
            + (b == null ? "\r\n" : "Content-Length: " + b.length() + "\r\n\r\n" + b));
  }

  private static Arbitrary<String> segment() {
    return Arbitraries.frequencyOf(List.<Tuple2<Integer, Arbitrary<String>>>of(
        Tuple.of(3, HostileInput.text().map(text -> percentEncoded(text, ""))),
        Tuple.of(2, HostileInput.nearGrammar("aZ09_-.*>" + SUB_DELIMS).map(text -> percentEncoded(text, SUB_DELIMS))),
        Tuple.of(2, Arbitraries.of("orders.42", "orders.*", "orders.>", "a..b", "switchboard.jobs.q.x", "q", CURSOR, "AAAAAAAAAAAAAAAAAAAAAA",
            "", ".", "..", "%2F", "%00", "%C3%A9", "%FF", "%ED%A0%80", "%F0%9F%98%80", "a".repeat(300))
            .map(text -> percentEncoded(text, SUB_DELIMS + "%")))));
  }

  private static Arbitrary<String> query() {
    Arbitrary<String> anyValue = Arbitraries.oneOf(
        HostileInput.text().map(text -> percentEncoded(text, "")),
        HostileInput.nearGrammar("aZ09_-.*>" + SUB_DELIMS).map(text -> percentEncoded(text, SUB_DELIMS)),
        Arbitraries.of("orders.42", "orders.*", "earliest", "latest", "true", "false", "1", "1000", "1001", "0", "-1", CURSOR,
            StreamCursor.since(0).encode(), "99999999999", "%00", "%FF").map(text -> percentEncoded(text, SUB_DELIMS + "%")));
    // A valid wait holds the answer for that many seconds; every wait here is refused or zero.
    Arbitrary<String> waitValue = Arbitraries.of("0", "", "x", "-1", "61", "1.5", "99999999999", "%D9%A3", "+1", "0x1");
    Arbitrary<String> name = Arbitraries.oneOf(Arbitraries.of(PARAMETERS), HostileInput.text().map(text -> percentEncoded(text, "")));
    Arbitrary<String> parameter = name.flatMap(n -> (n.equals("wait") ? waitValue : anyValue).injectNull(0.1)
        .map(value -> value == null ? n : n + "=" + value));
    return parameter.list().ofMaxSize(4).map(parameters -> String.join("&", parameters));
  }

  private static Arbitrary<List<String>> headers() {
    Arbitrary<String> anyValue = Arbitraries.oneOf(HostileInput.text(), Arbitraries.of(CURSOR, StreamCursor.since(0).encode(),
        "application/json", "text/plain; charset=utf-8", "https://example.invalid", "respond-async"))
        .map(HostileRequestsPropertiesTest::headerValue);
    Arbitrary<String> preferValue = Arbitraries.of("wait=0", "wait=x", "wait=-1", "wait=61", "wait=99999999999", "wait", "wait=\"\"",
        "respond-async", "wait=0, wait=0", "handling=strict; wait=0");
    Arbitrary<List<String>> pair = Arbitraries.of(HEADERS).flatMap(name -> (name.equals("Prefer") ? preferValue : anyValue)
        .map(value -> List.of(name, value)));
    return pair.list().ofMaxSize(3).map(pairs -> pairs.stream().flatMap(List::stream).toList());
  }

  private static Arbitrary<byte[]> body() {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    Arbitrary<String> json = HostileInput.text().flatMap(text -> Arbitraries.of(
        nodes.objectNode().set("channels", nodes.arrayNode().add(text)).toString(),
        nodes.objectNode().put("id", text).toString(),
        nodes.objectNode().put(text, 1).toString()));
    return Arbitraries.oneOf(
        HostileInput.text().map(text -> text.getBytes(StandardCharsets.UTF_8)),
        json.map(text -> text.getBytes(StandardCharsets.UTF_8)),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(100));
  }

  /** {@code text} as UTF-8 with every byte percent-encoded, except letters, digits, "-._~" and those in {@code keep}. */
  private static String percentEncoded(String text, String keep) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0 || keep.indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", (int) c));
      }
    }
    return out.toString();
  }

  /** {@code text} with what a header value cannot carry left out, and never asking for an event stream. */
  private static String headerValue(String text) {
    StringBuilder out = new StringBuilder();
    text.chars().filter(c -> c == '\t' || (c >= ' ' && c <= '~') || (c >= 0xa0 && c <= 0xff)).forEach(c -> out.append((char) c));
    return out.toString().replace("text/event-stream", "text/plain");
  }

  private static String shown(byte[] body) {
    String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
    return InvalidInputException.quote(text) + " (" + body.length + " bytes)";
  }

  private static void assertServerIsLive() {
    new Api(server.port()).get("/health/live").expect(200);
  }
}
