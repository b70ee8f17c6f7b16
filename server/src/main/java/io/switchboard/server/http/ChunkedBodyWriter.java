package io.switchboard.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.impl.VertxConnection;
import java.util.List;

/**
 * The body of one streaming HTTP/1.x response, written as HTTP chunks framed in advance, straight
 * to the Netty channel: past Vert.x's outbound queue and its HTTP encoder.
 *
 * <p>Why: an event stream's message is the same bytes for every subscriber of a channel. Framed
 * once as a whole chunk ({@code <hex length>\r\n<event>\r\n}) in one direct buffer, it reaches each
 * socket as one buffer handed to one {@code write}, with no per-subscriber framing, no copy into a
 * direct buffer, no write promise and no trip through Vert.x's queue. Measured on 1,000 subscribers
 * of a channel at 100 messages/s, this took the server's CPU per delivery from 8.6 to 6.0 µs
 * (docs/benchmarks.md).
 *
 * <p>How it stays a valid HTTP response: Vert.x writes the head and the stream's opening (through
 * {@link #open}); nothing is written here until that write has completed, so nothing can overtake
 * it. Then every write of the body comes through here, in event-loop order, until the response is
 * ended through Vert.x ({@code response.end(last)}), which writes the last chunk and the
 * terminating {@code 0\r\n\r\n} through the HTTP encoder, whose state (inside a chunked body) these
 * writes do not touch. On HTTP/1.0, which has no chunks, Vert.x sends the body as it is and closes
 * the connection at its end; there the framing is cut off each chunk here.
 *
 * <p>Backpressure is the channel's own: {@link #isWritable} is the channel's writability (its
 * water marks are what {@code response.setWriteQueueMaxSize} sets), and the {@code onWritable}
 * callback runs when the channel becomes writable again, as Vert.x's drain handler would for writes
 * of its own, which it does not see here.
 *
 * <p>Buffers: the caller keeps its chunks; each write hands Netty a retained duplicate, which
 * Netty releases once written. Chunks shared by many streams are never released by anyone: their
 * memory belongs to the garbage collector ({@link SseFormats#chunk}).
 *
 * <p><b>Vert.x internals</b>, all of them in this class: the connection is a
 * {@code io.vertx.core.net.impl.VertxConnection} (for the Netty channel), the channel's pipeline
 * has Vert.x's HTTP encoder under the name {@value #ENCODER} and Vert.x's own handler under
 * {@value #VERTX_HANDLER}. A Vert.x upgrade that changes any of that makes {@link #open} throw, so
 * every event stream fails at once with a 500 (and every SSE test with it) instead of writing
 * broken responses. What such an upgrade would not show this way: a change to how the encoder
 * handles what bypasses it; {@code EventStreamWireBytesTest} checks the bytes on the wire.
 *
 * <p>Threads: everything but {@link #isWritable} runs on the connection's event loop.
 */
final class ChunkedBodyWriter {
  static final String ENCODER = "httpEncoder";
  static final String VERTX_HANDLER = "handler";

  private final ChannelHandlerContext encoder;
  private final ChannelPromise voidPromise;
  private final boolean chunked;
  private final WritabilityWatch watch;
  private volatile boolean opened;

  private ChunkedBodyWriter(ChannelHandlerContext encoder, boolean chunked, Runnable onWritable) {
    this.encoder = encoder;
    // No promise per write and no exception event for a failed one: a broken connection is seen by
    // the response's close and exception handlers, as for Vert.x's own writes.
    this.voidPromise = new VoidChannelPromise(encoder.channel(), /* fireException= */ false);
    this.chunked = chunked;
    this.watch = new WritabilityWatch(onWritable);
  }

  /**
   * Writes the response's head and {@code opening} through Vert.x, and returns the writer of the
   * rest of the body, which takes writes once that is done; {@code onWritable} runs then and
   * whenever the channel becomes writable again.
   *
   * @throws IllegalStateException if the connection is not the Vert.x HTTP/1.x connection this was
   *     written against (see the class comment); nothing has been written then
   */
  static ChunkedBodyWriter open(HttpServerResponse response, HttpConnection connection, Buffer opening, Runnable onWritable) {
    if (!(connection instanceof VertxConnection vertx)) {
      throw new IllegalStateException("event streams write below Vert.x and need its io.vertx.core.net.impl.VertxConnection, not "
          + connection.getClass().getName() + " (was Vert.x upgraded?)");
    }
    ChannelPipeline pipeline = vertx.channelHandlerContext().pipeline();
    ChannelHandlerContext encoder = pipeline.context(ENCODER);
    if (encoder == null || pipeline.context(VERTX_HANDLER) == null) {
      throw new IllegalStateException("event streams write below Vert.x and need the handlers '" + ENCODER + "' and '"
          + VERTX_HANDLER + "' in the channel's pipeline, which has " + pipeline.names() + " (was Vert.x upgraded?)");
    }
    ChunkedBodyWriter writer = new ChunkedBodyWriter(encoder, response.isChunked(), onWritable);
    pipeline.addBefore(VERTX_HANDLER, /* name= */ null, writer.watch);
    response.write(opening).onSuccess(written -> {
      writer.opened = true;
      onWritable.run();
    });
    return writer;
  }

  /** Whether a write now goes to the socket's buffer rather than beyond the water mark; any thread. */
  boolean isWritable() {
    return opened && encoder.channel().isWritable();
  }

  /** Writes these complete chunks, in order, and flushes once; on the event loop, once {@link #isWritable} said yes. */
  void write(List<ByteBuf> chunks) {
    if (!opened || !encoder.executor().inEventLoop()) {
      throw new IllegalStateException(opened ? "chunks are written on the connection's event loop only"
          : "no chunk may be written before the response's head has been");
    }
    for (int i = 0; i < chunks.size(); i++) {
      encoder.write(chunked ? chunks.get(i).retainedDuplicate() : unframed(chunks.get(i)), voidPromise);
    }
    encoder.flush();
  }

  /** Stops watching the channel, which may serve further requests; on the event loop. */
  void close() {
    ChannelPipeline pipeline = encoder.pipeline();
    if (pipeline.context(watch) != null) {
      pipeline.remove(watch);
    }
  }

  /** The chunk's data without its framing: what an HTTP/1.0 body carries. */
  private static ByteBuf unframed(ByteBuf chunk) {
    int dataStart = chunk.indexOf(chunk.readerIndex(), chunk.writerIndex(), (byte) '\n') + 1;
    return chunk.retainedSlice(dataStart, chunk.writerIndex() - 2 - dataStart);
  }

  /** Tells the stream when the channel can take writes again; forwards the event to Vert.x as it is. */
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
