package io.switchboard.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.core.broker.Broker;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntSupplier;

/**
 * The server's meters: the JVM's own (memory, garbage collection, threads, CPU, uptime), messages
 * published, live subscriptions by transport, open connections, and HTTP answers by status (which
 * is where refusals show: 401, 403, 429).
 *
 * <p>Threads: any; Micrometer's meters are thread-safe.
 */
public final class ServerMetrics implements AutoCloseable {
  /** The transports whose subscriptions are counted, so each has a series from the start. */
  public static final List<String> TRANSPORTS = List.of("sse", "ws", "poll", "long-poll");

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  /** Answers by status code, made on first use; an array, so counting an answer allocates nothing. */
  private final AtomicReferenceArray<Counter> responses = new AtomicReferenceArray<>(600);

  public ServerMetrics(Broker broker, IntSupplier openConnections) {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    FunctionCounter.builder("switchboard.messages.published", broker, Broker::appendedCount)
        .description("Messages stored, by any transport, since the server started")
        .register(registry);
    for (String transport : TRANSPORTS) {
      Gauge.builder("switchboard.subscriptions", broker, subscribed -> subscribed.subscriptionsByTransport().getOrDefault(transport, 0))
          .description("Live subscriptions on this node (held reads for long-poll)")
          .tag("transport", transport)
          .register(registry);
    }
    Gauge.builder("switchboard.connections", openConnections, IntSupplier::getAsInt)
        .description("Open HTTP and WebSocket connections")
        // A gauge holds its object weakly, and nothing else holds this supplier (a method reference
        // made for it): without a strong reference it reads NaN after the first collection.
        .strongReference(true)
        .register(registry);
  }

  /** Counts one HTTP answer; cheap enough for every request. */
  public void answered(int status) {
    if (status < 100 || status >= responses.length()) {
      return;
    }
    Counter counter = responses.get(status);
    if (counter == null) {
      // Registering twice from two threads gives the same counter back: the registry keeps one per name and tags.
      counter = Counter.builder("switchboard.http.responses")
          .description("HTTP answers by status")
          .tag("status", String.valueOf(status))
          .register(registry);
      responses.set(status, counter);
    }
    counter.increment();
  }

  /** Every meter in the Prometheus text format (version 0.0.4). */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
