package io.switchboard.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.server.SwitchboardServer;
import io.switchboard.server.config.TlsConfig;
import io.switchboard.server.testing.ServerFixture;
import io.switchboard.server.testing.TestCertificate;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS and WSS with {@code --tls-cert} and {@code --tls-key}, on a self-signed certificate made for the test. */
class TlsTest {
  @TempDir static Path dir;
  private static TestCertificate certificate;
  private static SwitchboardServer server;
  private static HttpClient client;

  @BeforeAll
  static void startServer() {
    certificate = TestCertificate.create(dir);
    server = ServerFixture.start(settings -> settings.withTls(TlsConfig.of(certificate.certFile(), certificate.keyFile())));
    client = HttpClient.newBuilder().sslContext(certificate.trustingClient()).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stopServer() {
    server.stop();
  }

  private static URI https(String path) {
    return URI.create("https://127.0.0.1:" + server.port() + path);
  }

  @Test
  void publishAndReadOverHttps() throws Exception {
    HttpResponse<String> published = client.send(HttpRequest.newBuilder(https("/v1/channels/tls.orders/messages"))
        .POST(HttpRequest.BodyPublishers.ofString("secret data")).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> read = client.send(HttpRequest.newBuilder(https("/v1/channels/tls.orders/messages?from=earliest")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(published.statusCode()).isEqualTo(201);
    assertThat(read.body()).contains("secret data");
  }

  @Test
  void aWebSocketOverTlsDelivers() throws Exception {
    CompletableFuture<String> firstFrame = new CompletableFuture<>();
    WebSocket socket = client.newWebSocketBuilder().buildAsync(URI.create("wss://127.0.0.1:" + server.port() + "/v1/ws"),
        new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            firstFrame.complete(data.toString());
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    socket.sendText("{\"op\":\"ping\",\"ref\":\"over-tls\"}", true);

    assertThat(firstFrame.get(10, TimeUnit.SECONDS)).contains("pong").contains("over-tls");
    socket.abort();
  }

  @Test
  void anEventStreamOverTlsDeliversItsEventsEncrypted() throws Exception {
    // An event stream's body is written below Vert.x (ChunkedBodyWriter); it must still go through TLS.
    HttpResponse<Stream<String>> stream = client.send(HttpRequest.newBuilder(https("/v1/channels/tls.stream/messages?from=earliest"))
        .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofLines());
    Iterator<String> lines = stream.body().iterator();
    assertThat(lines.next()).isEqualTo("retry: 2000");
    client.send(HttpRequest.newBuilder(https("/v1/channels/tls.stream/messages"))
        .POST(HttpRequest.BodyPublishers.ofString("héllo over tls")).build(), HttpResponse.BodyHandlers.discarding());

    CompletableFuture<String> data = CompletableFuture.supplyAsync(() -> {
      for (String line = lines.next(); ; line = lines.next()) {
        if (line.startsWith("data: ")) {
          return line;
        }
      }
    });

    assertThat(data.get(10, TimeUnit.SECONDS)).isEqualTo("data: héllo over tls");
    stream.body().close();
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateIsRefusedByItsOwnCheck() {
    HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(https("/health/live")).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void plainHttpOnTheTlsPortGetsNoAnswer() {
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health/live"))
        .timeout(Duration.ofSeconds(10)).build();

    assertThatThrownBy(() -> plain.send(request, HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
  }

  @Test
  void aKeyFileThatIsNotAKeyStopsTheStartWithAReason() throws IOException {
    Path notAKey = Files.writeString(dir.resolve("not-a-key.pem"), "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n");

    assertThatThrownBy(() -> ServerFixture.start(settings -> settings.withTls(TlsConfig.of(certificate.certFile(), notAKey))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot listen");
  }
}
