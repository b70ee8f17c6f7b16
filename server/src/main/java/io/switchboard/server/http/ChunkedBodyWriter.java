package io.switchboard.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.switchboard.server.outbound.PipelineWriter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/**
 * The body of one streaming HTTP/1.x response, written as HTTP chunks framed in advance, straight
 * to the Netty channel below Vert.x's HTTP encoder ({@link PipelineWriter}, which says why and
 * how backpressure works there).
 *
 * <p>How it stays a valid HTTP response: Vert.x writes the head and the stream's opening (through
 * {@link #open}); nothing is written here until that write has completed, so nothing can overtake
 * it. Then every write of the body comes through here, in event-loop order, until the response is
 * ended through Vert.x ({@code response.end(last)}), which writes the last chunk and the
 * terminating {@code 0\r\n\r\n} through the HTTP encoder, whose state (inside a chunked body) these
 * writes do not touch. On HTTP/1.0, which has no chunks, Vert.x sends the body as it is and closes
 * the connection at its end; there the framing is cut off each chunk here.
 *
 * <p>Buffers: the caller keeps its chunks; each write hands Netty a retained duplicate. Chunks
 * shared by many streams are never released by anyone: their memory belongs to the garbage
 * collector ({@link SseFormats#chunk}).
 *
 * <p>What a Vert.x upgrade could break here without {@link #open} failing: how the encoder handles
 * what bypasses it; {@code EventStreamWireBytesTest} checks the bytes on the wire.
 *
 * <p>Threads: everything but {@link #isWritable} runs on the connection's event loop.
 */
final class ChunkedBodyWriter {
  private final PipelineWriter channel;
  private final boolean chunked;
  private volatile boolean opened;

  private ChunkedBodyWriter(PipelineWriter channel, boolean chunked) {
    this.channel = channel;
    this.chunked = chunked;
  }

  /**
   * Writes the response's head and {@code opening} through Vert.x, and returns the writer of the
   * rest of the body, which takes writes once that is done; {@code onWritable} runs then and
   * whenever the channel becomes writable again; {@code tcpNoDelay} as for {@link PipelineWriter#below}.
   *
   * @throws IllegalStateException if the connection is not the Vert.x HTTP/1.x connection this was
   *     written against (see {@link PipelineWriter}); nothing has been written then
   */
  static ChunkedBodyWriter open(HttpServerResponse response, HttpConnection connection, Buffer opening, Runnable onWritable,
      boolean tcpNoDelay) {
    ChunkedBodyWriter writer = new ChunkedBodyWriter(PipelineWriter.below(connection, HttpResponseEncoder.class, onWritable, tcpNoDelay),
        response.isChunked());
    response.write(opening).onSuccess(written -> {
      writer.opened = true;
      onWritable.run();
    });
    return writer;
  }

  /** Whether a write now goes to the socket's buffer rather than beyond the water mark; any thread. */
  boolean isWritable() {
    return opened && channel.isWritable();
  }

  /** Writes these complete chunks, in order, and flushes once; on the event loop, once {@link #isWritable} said yes. */
  void write(List<ByteBuf> chunks) {
    if (!opened) {
      throw new IllegalStateException("no chunk may be written before the response's head has been");
    }
    for (int i = 0; i < chunks.size(); i++) {
      channel.write(chunked ? chunks.get(i).retainedDuplicate() : unframed(chunks.get(i)));
    }
    channel.flush();
  }

  /** Stops watching the channel, which may serve further requests; on the event loop. */
  void close() {
    channel.close();
  }

  /** The chunk's data without its framing: what an HTTP/1.0 body carries. */
  private static ByteBuf unframed(ByteBuf chunk) {
    int dataStart = chunk.indexOf(chunk.readerIndex(), chunk.writerIndex(), (byte) '\n') + 1;
    return chunk.retainedSlice(dataStart, chunk.writerIndex() - 2 - dataStart);
  }
}
