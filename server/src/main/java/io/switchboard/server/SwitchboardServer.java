package io.switchboard.server;

import io.switchboard.core.auth.Authorizer;
import io.switchboard.core.auth.Grants;
import io.switchboard.core.broker.Broker;
import io.switchboard.core.engine.Engine;
import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.engine.EngineProvider;
import io.switchboard.core.jobs.Jobs;
import io.switchboard.core.session.Sessions;
import io.switchboard.server.jobs.CallbackSender;
import io.switchboard.server.jobs.JobJson;
import io.switchboard.core.engine.EngineException;
import io.switchboard.server.auth.TokenVerifier;
import io.switchboard.server.config.AuthConfig;
import io.switchboard.server.config.Settings;
import io.switchboard.server.http.HttpTransport;
import io.switchboard.server.limits.ConnectionCounts;
import io.switchboard.server.limits.PublishRate;
import io.switchboard.server.metrics.ServerMetrics;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Switchboard: one engine, one broker, and an HTTP server per event loop.
 *
 * <p>Start-up opens the engine first, so a broken engine stops the server before it listens.
 * {@link #stop()} is the graceful shutdown: readiness turns false and new requests get 503, held
 * long polls are answered at once, requests in flight get up to the shutdown timeout to finish,
 * then the engine flushes and closes. Both methods block the calling thread (the CLI's main
 * thread or a shutdown hook), never an event loop.
 */
public final class SwitchboardServer {
  private static final Logger log = LoggerFactory.getLogger(SwitchboardServer.class);

  private final Settings settings;
  private final Vertx vertx;
  private final Engine engine;
  private final Broker broker;
  private final Sessions sessions;
  private final Jobs jobs;
  private final CallbackSender callbacks;
  private final List<HttpServer> httpServers = new CopyOnWriteArrayList<>();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final HttpTransport transport;
  private final Authorizer authorizer;
  private final ServerMetrics metrics;
  private volatile int port;

  private SwitchboardServer(Settings settings, Vertx vertx, Engine engine, Optional<TokenVerifier> verifier) {
    this.settings = settings;
    this.vertx = vertx;
    this.engine = engine;
    VertxScheduler scheduler = new VertxScheduler(vertx);
    this.broker = new Broker(engine, scheduler, settings.maxMessageSize());
    this.sessions = new Sessions(engine.sessions(), Clock.systemUTC(), scheduler, settings.sessionIdleTimeout());
    this.jobs = new Jobs(engine.jobs(), broker, Clock.systemUTC(), scheduler, settings.jobs().jobSettings(settings.maxMessageSize()),
        JobJson::channelText);
    this.callbacks = new CallbackSender(vertx, jobs, settings.jobs());
    AuthConfig auth = settings.auth();
    this.authorizer = auth.enabled()
        ? Authorizer.enabled(Grants.ofPatterns(auth.anonymousPublish(), auth.anonymousSubscribe()))
        : Authorizer.disabled();
    PublishRate publishRate = new PublishRate(settings.limits().publishRate(), System::nanoTime);
    if (settings.limits().publishRate() > 0) {
      vertx.setPeriodic(10_000, id -> publishRate.forgetIdle());
    }
    ConnectionCounts connections = new ConnectionCounts(settings.limits().connections(), settings.limits().connectionsPerAddress());
    this.metrics = new ServerMetrics(broker, connections::open);
    this.transport = new HttpTransport(broker, sessions, jobs, settings, authorizer, verifier, publishRate, connections, metrics,
        stopping::get);
  }

  /**
   * Opens the engine and starts listening.
   *
   * @throws EngineException when the engine cannot be opened
   * @throws IllegalStateException when the server cannot listen (for example, the port is taken)
   * @throws io.switchboard.server.config.SettingsException when a configured key cannot be used
   */
  public static SwitchboardServer start(Settings settings) {
    Optional<TokenVerifier> verifier = settings.auth().enabled() ? Optional.of(TokenVerifier.of(settings.auth())) : Optional.empty();
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    Engine engine = null;
    try {
      EngineContext context = new EngineContext(
          settings.dataDir(),
          Clock.systemUTC(),
          new VertxScheduler(vertx),
          Jobs.withJobChannelRetention(settings.retention()),
          settings.idempotencyWindow(),
          settings.idempotencyMaxKeys(),
          settings.syncInterval());
      engine = provider(settings.engine()).open(context);
      SwitchboardServer server = new SwitchboardServer(settings, vertx, engine, verifier);
      server.listen();
      server.callbacks.start();
      return server;
    } catch (RuntimeException failed) {
      if (engine != null) {
        engine.close();
      }
      vertx.close();
      throw failed;
    }
  }

  public int port() {
    return port;
  }

  public Broker broker() {
    return broker;
  }

  /** Graceful shutdown; see the class comment. Safe to call more than once. */
  public void stop() {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    log.info("shutting down: answering held requests, waiting up to {} for requests in flight", settings.shutdownTimeout());
    broker.shutdown();
    sessions.stop();
    jobs.stop();
    callbacks.stop();
    transport.endJobStreams();
    transport.closeWebSockets();
    long timeoutMillis = Math.max(1, settings.shutdownTimeout().toMillis());
    try {
      Future.join(httpServers.stream().map(server -> server.shutdown(timeoutMillis, TimeUnit.MILLISECONDS)).toList())
          .await(timeoutMillis + 5_000, TimeUnit.MILLISECONDS);
    } catch (Exception slow) {
      log.warn("HTTP servers did not stop in time: {}", slow.toString());
    }
    try {
      engine.close().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception failed) {
      log.error("the engine did not close cleanly", failed);
    }
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception slow) {
      log.warn("Vert.x did not stop in time: {}", slow.toString());
    }
    metrics.close();
    log.info("stopped");
  }

  private void listen() {
    int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
    // Vert.x shares one listening socket among the instances. For "any free port" it shares only
    // when asked with a negative port (servers asking for the same negative port share one).
    deploy(settings.port() == 0 ? -1 : settings.port(), instances);
    port = httpServers.get(0).actualPort();
    if (httpServers.stream().anyMatch(server -> server.actualPort() != port)) {
      throw new IllegalStateException("the HTTP servers did not share one port: " + httpServers.stream().map(HttpServer::actualPort).toList());
    }
    log.info("Switchboard listening on {}://{}:{} (engine {}, {} event loops, {} transport)", settings.tls().enabled() ? "https" : "http",
        settings.host(), port, settings.engine(),
        instances, vertx.isNativeTransportEnabled() ? "native" : "NIO");
    if (!vertx.isNativeTransportEnabled()) {
      log.info("the native transport is not available here: {}", String.valueOf(vertx.unavailableNativeTransportCause()));
    }
    logAuthentication();
  }

  private void logAuthentication() {
    AuthConfig auth = settings.auth();
    if (!authorizer.isEnabled()) {
      log.warn("authentication is OFF: anyone who can reach {}:{} may publish, read, run jobs and administer; "
          + "configure auth.secret, auth.public-key or auth.jwks to turn it on (docs/security.md)", settings.host(), port);
      return;
    }
    String key = auth.secret().isPresent() ? "an HS256 secret"
        : auth.publicKey().map(file -> "the public key in " + file).orElseGet(() -> "the keys in " + auth.jwks().orElseThrow());
    log.info("authentication is on: tokens verified with {}; without a token, callers may publish to {} and subscribe to {}", key,
        auth.anonymousPublish().isEmpty() ? "nothing" : auth.anonymousPublish(),
        auth.anonymousSubscribe().isEmpty() ? "nothing" : auth.anonymousSubscribe());
  }

  private void deploy(int listenPort, int instances) {
    try {
      vertx.deployVerticle(() -> new HttpVerticle(transport, settings, listenPort, httpServers),
              new DeploymentOptions().setInstances(instances))
          .await(30, TimeUnit.SECONDS);
    } catch (Exception failed) {
      Throwable cause = failed.getCause() != null ? failed.getCause() : failed;
      throw new IllegalStateException("cannot listen on " + settings.host() + ":" + settings.port() + ": " + cause.getMessage(), cause);
    }
  }

  private static EngineProvider provider(String name) {
    for (EngineProvider provider : ServiceLoader.load(EngineProvider.class)) {
      if (provider.name().equals(name)) {
        return provider;
      }
    }
    throw new EngineException("no engine named " + name + " is installed");
  }

  /** One HTTP server on one event loop. */
  private static final class HttpVerticle extends AbstractVerticle {
    private final HttpTransport transport;
    private final Settings settings;
    private final int port;
    private final List<HttpServer> servers;

    HttpVerticle(HttpTransport transport, Settings settings, int port, List<HttpServer> servers) {
      this.transport = transport;
      this.settings = settings;
      this.port = port;
      this.servers = servers;
    }

    @Override
    public void start(Promise<Void> started) {
      int maxWebSocketMessageSize = settings.maxWebSocketMessageSize();
      HttpServerOptions options = new HttpServerOptions()
          .setHost(settings.host())
          // HTTP/1.1 only: without h2c, a connection is set up the moment it is accepted rather than at
          // its first bytes, so limits.request-timeout sees connections that send nothing at all, and no
          // h2c upgrade handler looks at every request.
          .setHttp2ClearTextEnabled(false)
          .setMaxInitialLineLength(settings.limits().urlSize())
          .setMaxHeaderSize(settings.limits().headerSize())
          .setPort(port)
          .setTcpNoDelay(true)
          .setCompressionSupported(false)
          // No WebSocket compression: deflating every frame for every subscriber costs more CPU than
          // small messages save, and without it Netty drops the extension handler that otherwise
          // inspects every HTTP request (3% of a publish's CPU in a profile).
          .setPerMessageWebSocketCompressionSupported(false)
          .setPerFrameWebSocketCompressionSupported(false)
          .setMaxWebSocketMessageSize(maxWebSocketMessageSize)
          // Frames may be larger than messages, so that an oversized message, in one frame or many,
          // is refused by the message limit with a close code (1009) rather than a dropped socket.
          .setMaxWebSocketFrameSize((int) Math.min(Integer.MAX_VALUE, 2L * maxWebSocketMessageSize));
      if (settings.tls().enabled()) {
        options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
            .setCertPath(settings.tls().cert().orElseThrow().toString())
            .setKeyPath(settings.tls().key().orElseThrow().toString()));
      }
      HttpServer server = vertx.createHttpServer(options);
      transport.serve(vertx, server);
      server.listen()
          .onSuccess(servers::add)
          .<Void>mapEmpty()
          .onComplete(started);
    }
  }
}
