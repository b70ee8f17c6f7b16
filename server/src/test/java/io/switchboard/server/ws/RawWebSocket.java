package io.switchboard.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket peer written on a plain socket, for what a well-behaved client library will not do:
 * never answer a ping, or send one unfragmented frame of any size. It completes the opening
 * handshake itself and then reads and writes RFC 6455 frames one by one.
 */
final class RawWebSocket implements AutoCloseable {
  static final int TEXT = 0x1;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;

  /**
   * One frame as read from the server.
   *
   * @param flags the first byte's FIN and reserved bits
   * @param masked whether the frame came masked, which a server's must not
   */
  record Frame(int opcode, byte[] payload, int flags, boolean masked) {
    boolean isFinal() {
      return (flags & 0x80) != 0;
    }

    int reservedBits() {
      return flags & 0x70;
    }

    /** The status code of a close frame (1005 when it carries none). */
    int closeCode() {
      return payload.length >= 2 ? ByteBuffer.wrap(payload).getShort() & 0xFFFF : 1005;
    }

    String text() {
      int from = opcode == CLOSE ? Math.min(2, payload.length) : 0;
      return new String(payload, from, payload.length - from, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects to {@code /v1/ws} and completes the opening handshake, asserting {@code 101}. */
  static RawWebSocket connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(10_000);
    RawWebSocket raw = new RawWebSocket(socket);
    raw.handshake(port);
    return raw;
  }

  private void handshake(int port) throws IOException {
    String request = "GET /v1/ws HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + port + "\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Sec-WebSocket-Version: 13\r\n"
        + "\r\n";
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String head = readHead(in);
    assertThat(head).as("handshake answer").startsWith("HTTP/1.1 101");
    // The accept value for the sample key of RFC 6455 section 1.3.
    assertThat(head).containsIgnoringCase("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < end.length) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the server closed the connection during the handshake: " + head);
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  void sendText(String text) throws IOException {
    sendFrame(TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends one final, masked frame (clients must mask, RFC 6455 section 5.3). */
  void sendFrame(int opcode, byte[] payload) throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write(0x80 | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length <= 0xFFFF) {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xFF);
    } else {
      frame.write(0x80 | 127);
      frame.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.writeBytes(mask);
    byte[] masked = new byte[payload.length];
    for (int i = 0; i < payload.length; i++) {
      masked[i] = (byte) (payload[i] ^ mask[i & 3]);
    }
    frame.writeBytes(masked);
    try {
      out.write(frame.toByteArray());
      out.flush();
    } catch (IOException closedWhileWriting) {
      // The server may close the connection before it has read everything; reading shows why.
    }
  }

  /** The next frame from the server, waiting at most the socket timeout. */
  Frame readFrame() throws IOException {
    int first = in.readUnsignedByte();
    int second = in.readUnsignedByte();
    long length = second & 0x7F;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] mask = null;
    if ((second & 0x80) != 0) {
      mask = new byte[4];
      in.readFully(mask);
    }
    byte[] payload = new byte[Math.toIntExact(length)];
    in.readFully(payload);
    if (mask != null) {
      for (int i = 0; i < payload.length; i++) {
        payload[i] ^= mask[i & 3];
      }
    }
    return new Frame(first & 0x0F, payload, first & 0xF0, mask != null);
  }

  /**
   * Reads, and never answers, frames until a close frame comes, at most {@code within}; returns
   * every frame read, the close frame last.
   */
  List<Frame> readUntilClose(Duration within) throws IOException {
    socket.setSoTimeout(Math.toIntExact(within.toMillis()));
    long deadline = System.nanoTime() + within.toNanos();
    List<Frame> frames = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      Frame frame;
      try {
        frame = readFrame();
      } catch (SocketTimeoutException open) {
        break;
      } catch (EOFException | SocketException dropped) {
        throw new AssertionError("the server ended the TCP connection without a close frame (" + dropped
            + "); frames read: " + describe(frames), dropped);
      }
      frames.add(frame);
      if (frame.opcode() == CLOSE) {
        return frames;
      }
    }
    throw new AssertionError("no close frame within " + within.toMillis() + " ms; frames read: " + describe(frames));
  }

  /** Reads frames until the server closes the connection, with or without a close frame; at most {@code within}. */
  void awaitEnd(Duration within) throws IOException {
    socket.setSoTimeout(Math.toIntExact(within.toMillis()));
    try {
      while (readFrame().opcode() != CLOSE) {
        // Skip until the close frame.
      }
    } catch (EOFException | SocketException ended) {
      // Ended without a close frame: ended all the same.
    } catch (SocketTimeoutException open) {
      throw new AssertionError("the connection was still open after " + within.toMillis() + " ms", open);
    }
  }

  private static List<String> describe(List<Frame> frames) {
    return frames.stream().map(frame -> frame.opcode() + ":" + frame.text()).toList();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
