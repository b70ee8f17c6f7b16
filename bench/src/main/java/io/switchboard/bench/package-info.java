/**
 * Load generators, run by hand against a real server and never as timed tests.
 *
 * <p>{@link io.switchboard.bench.PublishBench} is the command line: it turns its options into a
 * {@link io.switchboard.bench.BenchPlan}, deploys one {@link io.switchboard.bench.Publisher} per
 * concurrent publisher, sums their {@link io.switchboard.bench.Tally Tallies} and prints (and
 * writes as JSON) a {@link io.switchboard.bench.BenchReport}. {@code bench/engines.sh} drives it
 * across engines; {@code bench/README.md} says how.
 */
package io.switchboard.bench;
