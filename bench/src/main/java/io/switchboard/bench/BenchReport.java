package io.switchboard.bench;

import io.vertx.core.json.JsonObject;

/** The outcome of one bench run, for people and for scripts. */
interface BenchReport {
  /** The summary for people: a header line, a table, and whatever went wrong. */
  String table();

  /** The same figures for scripts; latencies in microseconds. */
  JsonObject json();

  /** Whether the run went without an error (and, where the bench checks one, its outcome held). */
  boolean passed();
}
