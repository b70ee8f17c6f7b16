package io.switchboard.server.outbound;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.VertxConnection;

/**
 * Writes buffers already encoded for the wire into the Netty channel of a Vert.x connection, from
 * just below one of its encoders: past Vert.x's outbound queue and past that encoder.
 *
 * <p>Why: a channel's message is the same bytes for every subscriber. Encoded once for the wire (an
 * HTTP chunk, a WebSocket frame) in one direct buffer, it reaches each socket as one buffer handed
 * to one {@code write}: no encoding per subscriber, no copy into a direct buffer, no write promise
 * and no trip through Vert.x's queue. Measured on 1,000 event-stream subscribers of a channel at
 * 100 messages/s, the server's CPU per delivery went from 8.6 to 6.0 µs (docs/benchmarks.md).
 *
 * <p>What the caller keeps right: the bytes must be what the encoder would have written, and
 * nothing the caller writes through Vert.x may be overtaken by what it writes here (or the other
 * way round, where that matters), since Vert.x may hold its writes in its queue.
 *
 * <p>Backpressure is the channel's own: {@link #isWritable} is the channel's writability (its water
 * marks are what Vert.x's {@code setWriteQueueMaxSize} sets), and {@code onWritable} runs when the
 * channel becomes writable again, as Vert.x's drain handler would for writes of its own, which it
 * does not see here.
 *
 * <p>Buffers: {@link #write} takes over one reference of each buffer, which Netty releases once
 * written; a buffer shared by many connections is handed over as a retained duplicate.
 *
 * <p><b>Vert.x internals</b>, all of them here: the connection is an
 * {@code io.vertx.core.net.impl.VertxConnection} (for the Netty channel), and Vert.x's own handler
 * is named {@value #VERTX_HANDLER} in the pipeline. A Vert.x upgrade that changes either makes
 * {@link #below} throw, so every stream or socket written this way fails at once (and every test
 * of it) instead of writing broken bytes.
 *
 * <p>Threads: everything but {@link #isWritable} runs on the connection's event loop.
 */
public final class PipelineWriter {
  private static final String VERTX_HANDLER = "handler";

  private final ChannelHandlerContext encoder;
  private final ChannelPromise voidPromise;
  private final WritabilityWatch watch;
  private final boolean coalescing;

  private PipelineWriter(ChannelHandlerContext encoder, Runnable onWritable, boolean coalescing) {
    this.encoder = encoder;
    this.coalescing = coalescing;
    // No promise per write and no exception event for a failed one: a broken connection is seen by
    // Vert.x's close and exception handlers, as for its own writes.
    this.voidPromise = new VoidChannelPromise(encoder.channel(), /* fireException= */ false);
    this.watch = new WritabilityWatch(onWritable);
  }

  /**
   * A writer below the first encoder of type {@code encoderType} in the connection's pipeline;
   * {@code onWritable} runs whenever the channel becomes writable again, until {@link #close}.
   * On the connection's event loop.
   *
   * <p>With {@code tcpNoDelay} false, the socket's {@code TCP_NODELAY} is off until {@link #close}:
   * the kernel holds small writes while earlier ones are unacknowledged and sends them together
   * (Nagle's algorithm), which costs less CPU per write and adds latency (setting
   * {@code push.tcp-nodelay}, docs/benchmarks.md).
   *
   * @throws IllegalStateException if the connection is not the Vert.x connection this was written
   *     against, or has no such encoder (see the class comment); nothing has changed then
   */
  public static PipelineWriter below(HttpConnection connection, Class<? extends ChannelHandler> encoderType, Runnable onWritable,
      boolean tcpNoDelay) {
    if (!(connection instanceof VertxConnection vertx)) {
      throw new IllegalStateException("writes below Vert.x need its io.vertx.core.net.impl.VertxConnection, not "
          + connection.getClass().getName() + " (was Vert.x upgraded?)");
    }
    ChannelPipeline pipeline = vertx.channelHandlerContext().pipeline();
    ChannelHandlerContext encoder = pipeline.context(encoderType);
    if (encoder == null || pipeline.context(VERTX_HANDLER) == null) {
      throw new IllegalStateException("writes below Vert.x need a " + encoderType.getSimpleName() + " and Vert.x's handler '"
          + VERTX_HANDLER + "' in the channel's pipeline, which has " + pipeline.names() + " (was Vert.x upgraded?)");
    }
    PipelineWriter writer = new PipelineWriter(encoder, onWritable, !tcpNoDelay);
    pipeline.addBefore(VERTX_HANDLER, /* name= */ null, writer.watch);
    if (writer.coalescing) {
      encoder.channel().config().setOption(ChannelOption.TCP_NODELAY, false);
    }
    return writer;
  }

  /** Whether a write now goes to the socket's buffer rather than beyond the water mark; any thread. */
  public boolean isWritable() {
    return encoder.channel().isWritable();
  }

  /** Writes {@code wireBytes}, taking over one reference; nothing reaches the socket before {@link #flush}. On the event loop. */
  public void write(ByteBuf wireBytes) {
    if (!encoder.executor().inEventLoop()) {
      wireBytes.release();
      throw new IllegalStateException("writes below Vert.x run on the connection's event loop only");
    }
    encoder.write(wireBytes, voidPromise);
  }

  /** Sends what was written. On the event loop. */
  public void flush() {
    encoder.flush();
  }

  /**
   * Stops watching the channel, which may go on serving requests through Vert.x, and gives it back
   * its {@code TCP_NODELAY} (which sends what the kernel holds); on the event loop.
   */
  public void close() {
    ChannelPipeline pipeline = encoder.pipeline();
    if (pipeline.context(watch) != null) {
      pipeline.remove(watch);
      if (coalescing && encoder.channel().isActive()) {
        encoder.channel().config().setOption(ChannelOption.TCP_NODELAY, true);
      }
    }
  }

  /** Tells the writer's owner when the channel can take writes again; forwards the event to Vert.x as it is. */
  private static final class WritabilityWatch extends ChannelInboundHandlerAdapter {
    private final Runnable onWritable;

    WritabilityWatch(Runnable onWritable) {
      this.onWritable = onWritable;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        onWritable.run();
      }
      ctx.fireChannelWritabilityChanged();
    }
  }
}
