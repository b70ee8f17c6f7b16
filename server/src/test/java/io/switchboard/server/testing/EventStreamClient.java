package io.switchboard.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The event stream client of the server tests, on a plain socket: it sends {@code GET} with
 * {@code Accept: text/event-stream} (unless the test sends an {@code Accept} of its own) and any
 * other headers a test names, such as {@code Last-Event-ID}; reads the answer's head; de-chunks the
 * body on its own thread and hands the bytes to an {@link EventStreamParser}, which dispatches
 * {@link SseEvent}s as a browser's {@code EventSource} does. Every event is kept, the server's own
 * {@code switchboard.*} events included; {@link #messages()} leaves those out.
 *
 * <p>A plain socket, rather than the JDK client, lets a test see the exact bytes, tell a clean end
 * of the response from a dropped or reset connection ({@link Ending}), close the connection at a
 * moment of its choosing, and play a client that reads nothing at all with a small receive buffer
 * ({@link #connectWithoutReading}). An answer that is not an event stream is read whole as a
 * {@link Reply}.
 *
 * <p>Threads: one reader thread per stream writes the state; tests read it from their own thread
 * through synchronized snapshots.
 */
public final class EventStreamClient implements AutoCloseable {
  /** How a stream's response came to an end, as the client sees it. */
  public enum Ending {
    /** Still open. */
    OPEN,
    /** The server ended the response properly (the last, empty chunk arrived). */
    ENDED,
    /** The connection was closed before the response ended. */
    CLOSED_MID_STREAM,
    /** The connection was reset, or reading it failed. */
    RESET
  }

  private static final int RAW_LIMIT = 256 * 1024;
  private static final Duration HEAD_TIMEOUT = Duration.ofSeconds(10);

  private final Socket socket;
  private final String request;
  private final List<SseEvent> events = new ArrayList<>();
  private final AtomicInteger comments = new AtomicInteger();
  private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
  private final EventStreamParser parser = new EventStreamParser(this::received, comment -> comments.incrementAndGet());
  private volatile int status;
  private volatile Map<String, List<String>> headers = Map.of();
  private volatile byte[] body = new byte[0];
  private volatile Ending ending = Ending.OPEN;
  private volatile IOException failure;
  private volatile boolean closedByTest;
  private Thread reader;

  private EventStreamClient(Socket socket, String request) {
    this.socket = socket;
    this.request = request;
  }

  /**
   * Opens a stream and reads the answer's head. A {@code 200} event stream is then read on a
   * thread; any other answer is read whole and available as {@link #reply()}.
   *
   * @param headers extra request headers as name, value, name, value...; an {@code Accept} among
   *     them replaces the default {@code text/event-stream}
   */
  public static EventStreamClient open(int port, String pathAndQuery, String... headers) {
    EventStreamClient client = connectWithoutReading(port, pathAndQuery, /* receiveBufferBytes= */ 0, headers);
    client.startReading();
    return client;
  }

  /**
   * Connects and sends the request but reads nothing, not even the answer's head, until
   * {@link #startReading()}: a client whose socket fills up and stays full.
   *
   * @param receiveBufferBytes the socket's receive buffer, set before connecting; 0 leaves the default
   */
  public static EventStreamClient connectWithoutReading(int port, String pathAndQuery, int receiveBufferBytes, String... headers) {
    String request = requestHead(port, pathAndQuery, headers);
    try {
      Socket socket = new Socket();
      if (receiveBufferBytes > 0) {
        socket.setReceiveBufferSize(receiveBufferBytes);
      }
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      return new EventStreamClient(socket, "GET " + pathAndQuery);
    } catch (IOException failed) {
      throw new AssertionError("cannot open an event stream on " + pathAndQuery + ": " + failed, failed);
    }
  }

  private static String requestHead(int port, String pathAndQuery, String... headers) {
    if (headers.length % 2 != 0) {
      throw new IllegalArgumentException("headers come as name, value pairs, but " + headers.length + " strings were given");
    }
    StringBuilder request = new StringBuilder()
        .append("GET ").append(pathAndQuery).append(" HTTP/1.1\r\n")
        .append("Host: 127.0.0.1:").append(port).append("\r\n");
    boolean acceptGiven = false;
    for (int i = 0; i < headers.length; i += 2) {
      request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
      acceptGiven |= headers[i].equalsIgnoreCase("Accept");
    }
    if (!acceptGiven) {
      request.append("Accept: text/event-stream\r\n");
    }
    return request.append("\r\n").toString();
  }

  /** Reads the answer's head now, then the stream on a thread (or the whole body of another answer). */
  public void startReading() {
    try {
      socket.setSoTimeout((int) HEAD_TIMEOUT.toMillis());
      InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
      readHead(in);
      if (status == 200 && isChunked()) {
        socket.setSoTimeout(0);
        reader = new Thread(() -> readStream(in), "sse-client " + request);
        reader.setDaemon(true);
        reader.start();
      } else {
        int length = Integer.parseInt(header("content-length") == null ? "0" : header("content-length"));
        body = in.readNBytes(length);
        ending = Ending.ENDED;
      }
    } catch (IOException failed) {
      throw new AssertionError("reading the answer to " + request + " failed: " + failed, failed);
    }
  }

  public int status() {
    return status;
  }

  /** The first value of the response header {@code name}, or null. */
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The answer as a {@link Reply}: for answers that are not an event stream. */
  public Reply reply() {
    return new Reply(request, status, HttpHeaders.of(headers, (name, value) -> true), body);
  }

  /** Asserts the stream was accepted: {@code 200} with an event stream. */
  public EventStreamClient expectStream() {
    assertThat(status).as("status of %s; body: %s", request, new String(body, StandardCharsets.UTF_8)).isEqualTo(200);
    assertThat(header("content-type")).as("Content-Type of %s", request).startsWith("text/event-stream");
    return this;
  }

  public List<SseEvent> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  /** Events with data as published: every event the server did not send about itself. */
  public List<SseEvent> messages() {
    return events().stream().filter(event -> !event.isServerEvent()).toList();
  }

  public int eventCount() {
    synchronized (events) {
      return events.size();
    }
  }

  /** Comment lines seen so far, the opening comment included. */
  public int comments() {
    return comments.get();
  }

  public long retryMillis() {
    synchronized (events) {
      return parser.retryMillis();
    }
  }

  /** The first bytes of the body as text (up to 256 KiB), exactly as sent. */
  public String raw() {
    synchronized (raw) {
      return raw.toString(StandardCharsets.UTF_8);
    }
  }

  public Ending ending() {
    return ending;
  }

  public IOException failure() {
    return failure;
  }

  /** Waits at most {@code bound} until at least {@code count} events arrived; returns them all. */
  public List<SseEvent> awaitEvents(int count, Duration bound) {
    await(request + " receives " + count + " events")
        .atMost(bound)
        .pollInterval(Duration.ofMillis(5))
        .until(() -> eventCount() >= count || ending != Ending.OPEN && !readerAlive());
    List<SseEvent> all = events();
    assertThat(all.size()).as("events of %s (ending %s, failure %s): %s", request, ending, failure, all).isGreaterThanOrEqualTo(count);
    return all;
  }

  /**
   * Waits at most {@code bound} until at least {@code count} message events arrived (the server's
   * own {@code switchboard.*} events not counted); returns the message events.
   */
  public List<SseEvent> awaitMessages(int count, Duration bound) {
    await(request + " receives " + count + " messages")
        .atMost(bound)
        .pollInterval(Duration.ofMillis(5))
        .until(() -> messages().size() >= count || ending != Ending.OPEN && !readerAlive());
    List<SseEvent> messages = messages();
    assertThat(messages).as("messages of %s (ending %s, failure %s; all events: %s)", request, ending, failure, events())
        .hasSizeGreaterThanOrEqualTo(count);
    return messages;
  }

  /** Waits at most {@code bound} until the response has come to an end, whichever way; returns how. */
  public Ending awaitEnd(Duration bound) {
    await(request + " comes to an end")
        .atMost(bound)
        .pollInterval(Duration.ofMillis(5))
        .until(() -> ending != Ending.OPEN && !readerAlive());
    return ending;
  }

  /** Closes the connection from the client's side, as a browser does when a page goes away. */
  @Override
  public void close() {
    closedByTest = true;
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing is best effort: the test is done with this stream.
    }
    if (reader != null) {
      try {
        reader.join(5_000);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private boolean readerAlive() {
    return reader != null && reader.isAlive();
  }

  private void received(SseEvent event) {
    synchronized (events) {
      events.add(event);
    }
  }

  private void readHead(InputStream in) throws IOException {
    String statusLine = line(in);
    if (statusLine == null) {
      throw new IOException("the server closed the connection without an answer");
    }
    status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, List<String>> read = new TreeMap<>();
    for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
      int colon = header.indexOf(':');
      read.computeIfAbsent(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), name -> new ArrayList<>())
          .add(header.substring(colon + 1).trim());
    }
    headers = read;
  }

  private boolean isChunked() {
    String encoding = header("transfer-encoding");
    return encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked");
  }

  /** De-chunks the body until its last chunk, the end of the connection or a failure. */
  private void readStream(InputStream in) {
    byte[] buffer = new byte[16 * 1024];
    try {
      while (true) {
        String sizeLine = line(in);
        if (sizeLine == null) {
          ending = Ending.CLOSED_MID_STREAM;
          return;
        }
        int semicolon = sizeLine.indexOf(';');
        int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
        if (size == 0) {
          for (String trailer = line(in); trailer != null && !trailer.isEmpty(); trailer = line(in)) {
            // Trailers carry nothing for event streams.
          }
          ending = Ending.ENDED;
          return;
        }
        int left = size;
        while (left > 0) {
          int read = in.read(buffer, 0, Math.min(left, buffer.length));
          if (read < 0) {
            ending = Ending.CLOSED_MID_STREAM;
            return;
          }
          feed(buffer, read);
          left -= read;
        }
        if (line(in) == null) {
          ending = Ending.CLOSED_MID_STREAM;
          return;
        }
      }
    } catch (SocketException reset) {
      failure = reset;
      ending = closedByTest ? Ending.CLOSED_MID_STREAM : Ending.RESET;
    } catch (IOException | RuntimeException broken) {
      failure = broken instanceof IOException io ? io : new IOException(broken);
      ending = Ending.RESET;
    }
  }

  private void feed(byte[] buffer, int length) {
    synchronized (raw) {
      if (raw.size() < RAW_LIMIT) {
        raw.write(buffer, 0, Math.min(length, RAW_LIMIT - raw.size()));
      }
    }
    synchronized (events) {
      parser.feed(buffer, 0, length);
    }
  }

  /** One CRLF-terminated line of the HTTP framing, or null at the end of the connection. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        return null;
      }
      if (b != '\r') {
        bytes.write(b);
      }
    }
    return bytes.toString(StandardCharsets.ISO_8859_1);
  }
}
