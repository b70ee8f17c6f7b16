package io.switchboard.server.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The other end of job callbacks: an HTTP server on 127.0.0.1 and a random port (the JDK's
 * {@code com.sun.net.httpserver}) that records every request it gets and answers each with the
 * next status of its script, then with its usual status. A status of 3xx is answered with a
 * {@code Location} to {@link #REDIRECT_PATH}, so a test can see whether a redirect was followed.
 *
 * <p>Threads: the JDK's dispatcher thread records calls; tests read them from their own thread.
 */
public final class CallbackReceiver implements AutoCloseable {
  public static final String PATH = "/hooks/job-ended";
  public static final String REDIRECT_PATH = "/hooks/moved";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request as it arrived. */
  public record Call(String method, String path, String contentType, String signature, byte[] body, long arrivedNanos) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException notJson) {
        throw new UncheckedIOException("the callback body is not JSON: " + text(), notJson);
      }
    }
  }

  private final HttpServer server;
  private final Queue<Integer> script = new ConcurrentLinkedQueue<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private volatile int usualStatus;

  private CallbackReceiver(int usualStatus, List<Integer> firstStatuses) throws IOException {
    this.usualStatus = usualStatus;
    script.addAll(firstStatuses);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::receive);
    server.start();
  }

  /** A receiver that answers {@code firstStatuses} in turn, then {@code usualStatus} to every call. */
  public static CallbackReceiver answering(int usualStatus, Integer... firstStatuses) {
    try {
      return new CallbackReceiver(usualStatus, List.of(firstStatuses));
    } catch (IOException failed) {
      throw new UncheckedIOException("cannot start the callback receiver", failed);
    }
  }

  /** From now on, answers every call not scripted with {@code status}. */
  public void answerFromNowOn(int status) {
    usualStatus = status;
  }

  /** The URL to give as {@code callback=}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** Waits at most {@code bound} until at least {@code count} calls arrived; returns them all. */
  public List<Call> awaitCalls(int count, Duration bound) {
    await("the receiver gets " + count + " callback calls").atMost(bound).pollInterval(Duration.ofMillis(10))
        .until(() -> calls.size() >= count);
    return calls();
  }

  /** Asserts that the number of calls stays {@code count} for {@code quiet}. */
  public void assertNoMoreCallsThan(int count, Duration quiet) {
    await("no call beyond " + count).during(quiet).atMost(quiet.plusSeconds(5)).until(() -> calls.size() == count);
    assertThat(calls).hasSize(count);
  }

  /** {@code sha256=<hex>} of HMAC-SHA256 keyed by {@code secret} over {@code body}, computed here, not by the server's code. */
  public static String expectedSignature(byte[] body, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException impossible) {
      throw new IllegalStateException("every Java runtime has HmacSHA256", impossible);
    }
  }

  private void receive(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      calls.add(new Call(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          exchange.getRequestHeaders().getFirst("Content-Type"), exchange.getRequestHeaders().getFirst("Switchboard-Signature"),
          body, System.nanoTime()));
      Integer scripted = script.poll();
      int status = scripted != null ? scripted : usualStatus;
      if (status / 100 == 3) {
        exchange.getResponseHeaders().add("Location", REDIRECT_PATH);
      }
      exchange.sendResponseHeaders(status, -1);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
