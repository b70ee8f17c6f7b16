package io.switchboard.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.VertxConnection;
import java.util.List;

/**
 * EXPERIMENT: writes complete HTTP chunks to the channel past Vert.x's HTTP encoder.
 * Mode "direct": straight to the encoder's context, backpressure by channel writability.
 * Mode "queued": through Vert.x's outbound queue (order and writeQueueFull kept), then past the encoder.
 */
final class RawChunkWriter {
  static final String MODE = System.getProperty("switchboard.sse.raw", "off");

  private final VertxConnection connection;
  private final ChannelHandlerContext encoder;
  private final boolean queued;
  private ChannelInboundHandlerAdapter watch;

  private RawChunkWriter(VertxConnection connection, ChannelHandlerContext encoder, boolean queued) {
    this.connection = connection;
    this.encoder = encoder;
    this.queued = queued;
  }

  static RawChunkWriter open(HttpConnection connection) {
    if (MODE.equals("off")) {
      return null;
    }
    VertxConnection vertx = (VertxConnection) connection;
    ChannelHandlerContext encoder = vertx.channelHandlerContext().pipeline().context("httpEncoder");
    if (encoder == null) {
      throw new IllegalStateException("no httpEncoder in the pipeline");
    }
    return new RawChunkWriter(vertx, encoder, MODE.equals("queued"));
  }

  boolean queued() {
    return queued;
  }

  void write(List<ByteBuf> chunks) {
    if (queued) {
      connection.writeToChannel(() -> writeNow(chunks));
    } else {
      writeNow(chunks);
    }
  }

  private void writeNow(List<ByteBuf> chunks) {
    for (int i = 0; i < chunks.size(); i++) {
      encoder.write(chunks.get(i).retainedDuplicate(), encoder.voidPromise());
    }
    encoder.flush();
  }

  boolean isWritable() {
    return encoder.channel().isWritable();
  }

  void onWritable(Runnable writable) {
    watch = new ChannelInboundHandlerAdapter() {
      @Override
      public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
          writable.run();
        }
        ctx.fireChannelWritabilityChanged();
      }
    };
    encoder.pipeline().addBefore("handler", null, watch);
  }

  void close() {
    if (watch != null && encoder.channel().isActive()) {
      try {
        encoder.pipeline().remove(watch);
      } catch (java.util.NoSuchElementException gone) {
        // already removed with the channel
      }
    }
  }
}
