package io.switchboard.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bytes on a plain socket, for requests the JDK client refuses or mishandles (broken syntax,
 * {@code Expect: 100-continue} answered with a final status). Reads answers whose body has a
 * Content-Length.
 */
public final class RawHttp {
  private RawHttp() {}

  /** Sends {@code request} as it is and reads one answer. */
  public static Reply exchange(int port, byte[] request) throws IOException {
    try (Socket socket = open(port)) {
      send(socket.getOutputStream(), request);
      return readReply(socket.getInputStream(), shown(request));
    }
  }

  /**
   * Sends {@code head} (request line and headers, including {@code Expect: 100-continue}), then
   * sends {@code body} only if the server answers {@code 100 Continue}, and reads the final answer.
   */
  public static Reply exchangeExpectingContinue(int port, String head, byte[] body) throws IOException {
    try (Socket socket = open(port)) {
      byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
      send(socket.getOutputStream(), headBytes);
      InputStream in = socket.getInputStream();
      String statusLine = line(in);
      if (!statusLine.startsWith("HTTP/1.1 100 ")) {
        return readReply(statusLine, in, shown(headBytes));
      }
      assertThat(line(in)).as("end of the interim 100 answer").isEmpty();
      send(socket.getOutputStream(), body);
      return readReply(in, shown(headBytes));
    }
  }

  /** A connection kept open across exchanges, for tests of keep-alive, limits and timeouts. */
  public static Connection connect(int port) throws IOException {
    return new Connection(open(port));
  }

  /** One raw connection: send bytes when the test likes, read answers, see whether the server closed it. */
  public static final class Connection implements AutoCloseable {
    private final Socket socket;

    private Connection(Socket socket) {
      this.socket = socket;
    }

    public Connection send(String text) throws IOException {
      RawHttp.send(socket.getOutputStream(), text.getBytes(StandardCharsets.ISO_8859_1));
      return this;
    }

    /** Reads one answer with a Content-Length body. */
    public Reply reply() throws IOException {
      return readReply(socket.getInputStream(), "raw connection");
    }

    /**
     * Whether the server closes the connection within {@code bound}: reads (and drops) whatever it
     * still sends until the end of the stream, a reset, or the bound.
     */
    public boolean closedByServerWithin(java.time.Duration bound) throws IOException {
      long deadline = System.nanoTime() + bound.toNanos();
      InputStream in = socket.getInputStream();
      while (System.nanoTime() < deadline) {
        socket.setSoTimeout((int) Math.max(1, java.time.Duration.ofNanos(deadline - System.nanoTime()).toMillis()));
        try {
          if (in.read() < 0) {
            return true;
          }
        } catch (java.net.SocketTimeoutException open) {
          return false;
        } catch (java.net.SocketException reset) {
          return true;
        }
      }
      return false;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static Socket open(int port) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static void send(OutputStream out, byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  private static Reply readReply(InputStream in, String request) throws IOException {
    return readReply(line(in), in, request);
  }

  private static Reply readReply(String statusLine, InputStream in, String request) throws IOException {
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, List<String>> headers = new TreeMap<>();
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      int colon = header.indexOf(':');
      headers.computeIfAbsent(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), name -> new ArrayList<>())
          .add(header.substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", List.of("0")).get(0));
    byte[] body = in.readNBytes(length);
    return new Reply(request, status, HttpHeaders.of(headers, (name, value) -> true), body);
  }

  private static String shown(byte[] request) {
    String start = new String(request, 0, Math.min(request.length, 80), StandardCharsets.ISO_8859_1);
    return "raw " + start.lines().findFirst().orElse("");
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("the server closed the connection in the middle of a line: " + bytes);
      }
      if (b != '\r') {
        bytes.write(b);
      }
    }
    return bytes.toString(StandardCharsets.US_ASCII);
  }
}
