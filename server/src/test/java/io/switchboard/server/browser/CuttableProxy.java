package io.switchboard.server.browser;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of one local port that can cut every connection it carries,
 * as a crashed load balancer or a dropped network link would, while it keeps listening. It also
 * records the head of every request the clients send, so a test can see what a browser sent when
 * it reconnected (its {@code Last-Event-ID}).
 *
 * <p>{@link #cutAndHold()} closes every connection and parks the connections accepted after it
 * until {@link #release()}: whatever the test does in between happens while the client provably
 * cannot reach the server, however quickly it retries.
 *
 * <p>Threads: one accepts; each connection has one thread per direction. Shared state is the set
 * of open sockets (closed all at once by a cut), the recorded heads and the gate, a latch replaced
 * by each cut and opened by each release; a connection waits at the gate before it connects
 * upstream. When either direction of a connection ends, both of its sockets are closed.
 *
 * <p>Only request heads without bodies are recorded faithfully (what {@code EventSource} and a
 * preflight send); at most {@link #MAX_PENDING_HEAD} bytes of one head are kept.
 */
final class CuttableProxy implements AutoCloseable {
  static final int MAX_PENDING_HEAD = 64 * 1024;
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final long LONGEST_HOLD_SECONDS = 30;

  private final ServerSocket listener;
  private final int upstreamPort;
  private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
    Thread thread = new Thread(task, "cuttable-proxy");
    thread.setDaemon(true);
    return thread;
  });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final List<RequestHead> requests = new CopyOnWriteArrayList<>();
  /** Numbers connections from 1 in the order they were accepted. */
  private final AtomicInteger connections = new AtomicInteger();
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private volatile boolean closed;

  private CuttableProxy(ServerSocket listener, int upstreamPort) {
    this.listener = listener;
    this.upstreamPort = upstreamPort;
  }

  /** Starts listening on a free port of 127.0.0.1, forwarding to {@code upstreamPort} there. */
  static CuttableProxy to(int upstreamPort) throws IOException {
    ServerSocket listener = new ServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    CuttableProxy proxy = new CuttableProxy(listener, upstreamPort);
    proxy.threads.execute(proxy::acceptAll);
    return proxy;
  }

  int port() {
    return listener.getLocalPort();
  }

  /** The head of every request seen so far, in the order they arrived. */
  List<RequestHead> requests() {
    return List.copyOf(requests);
  }

  /** Closes every connection and holds new ones until {@link #release()}. */
  void cutAndHold() {
    gate = new CountDownLatch(1);
    open.forEach(this::closeQuietly);
  }

  /** Lets held and new connections through to the upstream port. */
  void release() {
    gate.countDown();
  }

  @Override
  public void close() {
    closed = true;
    closeListener();
    open.forEach(this::closeQuietly);
    gate.countDown();
    threads.shutdownNow();
  }

  private void acceptAll() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException stopped) {
        return;
      }
      open.add(client);
      int number = connections.incrementAndGet();
      try {
        threads.execute(() -> forward(client, number));
      } catch (RejectedExecutionException closing) {
        closeQuietly(client);
        return;
      }
    }
  }

  private void forward(Socket client, int number) {
    Socket upstream = new Socket();
    open.add(upstream);
    try {
      if (!gate.await(LONGEST_HOLD_SECONDS, TimeUnit.SECONDS) || closed || client.isClosed()) {
        return;
      }
      upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), CONNECT_TIMEOUT_MILLIS);
      InputStream fromUpstream = upstream.getInputStream();
      OutputStream toClient = client.getOutputStream();
      threads.execute(() -> copyThenClose(fromUpstream, toClient, client, upstream, null));
      copyThenClose(client.getInputStream(), upstream.getOutputStream(), client, upstream, new HeadRecorder(number));
    } catch (IOException | RejectedExecutionException cut) {
      // A cut, a peer that went away or the proxy closing: this connection is over either way.
    } catch (InterruptedException closing) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(client);
      closeQuietly(upstream);
    }
  }

  /** Copies until either side ends, then closes both sockets of the connection. */
  private void copyThenClose(InputStream from, OutputStream to, Socket client, Socket upstream, HeadRecorder recorder) {
    byte[] buffer = new byte[16 * 1024];
    try {
      for (int read = from.read(buffer); read >= 0; read = from.read(buffer)) {
        if (recorder != null) {
          recorder.accept(buffer, read);
        }
        to.write(buffer, 0, read);
        to.flush();
      }
    } catch (IOException cut) {
      // The other direction or a cut closed a socket under us.
    } finally {
      closeQuietly(client);
      closeQuietly(upstream);
    }
  }

  private void closeQuietly(Socket socket) {
    open.remove(socket);
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing is all that is wanted; a failure to close leaves nothing to do.
    }
  }

  private void closeListener() {
    try {
      listener.close();
    } catch (IOException ignored) {
      // As above.
    }
  }

  /** One request head: its connection (numbered from 1 in accept order), request line and headers. */
  record RequestHead(int connection, String method, String target, Map<String, String> headers) {
    /** A header by name, case-insensitively; null when absent. */
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** Splits one connection's client bytes into request heads (bodiless requests only). */
  private final class HeadRecorder {
    private final int connection;
    private final StringBuilder pending = new StringBuilder();
    private boolean overflowed;

    HeadRecorder(int connection) {
      this.connection = connection;
    }

    void accept(byte[] bytes, int length) {
      if (overflowed) {
        return;
      }
      pending.append(new String(bytes, 0, length, StandardCharsets.ISO_8859_1));
      for (int end = pending.indexOf("\r\n\r\n"); end >= 0; end = pending.indexOf("\r\n\r\n")) {
        requests.add(parse(pending.substring(0, end)));
        pending.delete(0, end + 4);
      }
      if (pending.length() > MAX_PENDING_HEAD) {
        overflowed = true;
        pending.setLength(0);
      }
    }

    private RequestHead parse(String head) {
      String[] lines = head.split("\r\n");
      String[] requestLine = lines[0].split(" ", 3);
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
      }
      return new RequestHead(connection, requestLine[0], requestLine.length > 1 ? requestLine[1] : "", Map.copyOf(headers));
    }
  }
}
