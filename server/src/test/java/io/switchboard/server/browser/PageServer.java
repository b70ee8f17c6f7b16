package io.switchboard.server.browser;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Serves the test pages under {@code src/test/resources/browser} from the JDK's HTTP server on a
 * free port of 127.0.0.1: that address is the pages' origin, which Switchboard must allow for
 * CORS. Anything else is answered 404. Requests are handled on the server's one dispatcher thread.
 */
final class PageServer implements AutoCloseable {
  private static final String RESOURCES = "/browser/";

  private final HttpServer server;

  private PageServer(HttpServer server) {
    this.server = server;
  }

  static PageServer start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), /* backlog= */ 0);
    server.createContext("/", PageServer::serve);
    server.start();
    return new PageServer(server);
  }

  /** The origin of the pages, as a browser writes it in an {@code Origin} header. */
  String origin() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The address of a page, by its file name, with {@code query} (already encoded) appended. */
  String pageUrl(String fileName, String query) {
    return origin() + "/" + fileName + "?" + query;
  }

  @Override
  public void close() {
    server.stop(/* delaySeconds= */ 0);
  }

  private static void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      String name = exchange.getRequestURI().getPath().substring(1);
      byte[] page = name.matches("[a-z-]+\\.html") ? resource(name) : null;
      if (page == null) {
        exchange.sendResponseHeaders(404, /* responseLength= */ -1);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.sendResponseHeaders(200, page.length);
      try (OutputStream body = exchange.getResponseBody()) {
        body.write(page);
      }
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = PageServer.class.getResourceAsStream(RESOURCES + name)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException unreadable) {
      throw new UncheckedIOException(unreadable);
    }
  }
}
