/**
 * Load generators, run by hand against a real server and never as timed tests.
 *
 * <p>{@link io.switchboard.bench.BenchCommand} is the command line; it runs one of two benches,
 * each a {@link io.switchboard.bench.Bench}: it turns its options into a plan (the shared
 * {@link io.switchboard.bench.BenchPlan} and its own), deploys its clients, each a
 * {@link io.switchboard.bench.ClosedLoop} with one connection and one request in flight, sums what
 * they counted and prints (and writes as JSON) a {@link io.switchboard.bench.BenchReport}.
 * <ul>
 *   <li>{@code publish} ({@link io.switchboard.bench.PublishBench}): {@link io.switchboard.bench.Publisher}s
 *       publish to channels.
 *   <li>{@code jobs} ({@link io.switchboard.bench.JobsBench}): {@link io.switchboard.bench.Submitter}s
 *       submit jobs, {@link io.switchboard.bench.Worker}s claim and complete them, and a
 *       {@link io.switchboard.bench.JobLedger} and the server's queue counts check that each was
 *       completed exactly once.
 * </ul>
 * {@code bench/engines.sh} drives either across engines; {@code bench/README.md} says how.
 */
package io.switchboard.bench;
