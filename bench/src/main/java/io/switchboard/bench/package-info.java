/**
 * Load generators, run by hand against a real server and never as timed tests.
 *
 * <p>{@link io.switchboard.bench.BenchCommand} is the command line; it runs one of its benches,
 * each a {@link io.switchboard.bench.Bench}: it turns its options into a plan (the shared
 * {@link io.switchboard.bench.BenchPlan} and its own), deploys its clients (for {@code publish} and
 * {@code jobs}, each a {@link io.switchboard.bench.ClosedLoop} with one connection and one request
 * in flight), sums what they counted and prints (and writes as JSON) a {@link io.switchboard.bench.BenchReport}.
 * <ul>
 *   <li>{@code publish} ({@link io.switchboard.bench.PublishBench}): {@link io.switchboard.bench.Publisher}s
 *       publish to channels.
 *   <li>{@code jobs} ({@link io.switchboard.bench.JobsBench}): {@link io.switchboard.bench.Submitter}s
 *       submit jobs, {@link io.switchboard.bench.Worker}s claim and complete them, and a
 *       {@link io.switchboard.bench.JobLedger} and the server's queue counts check that each was
 *       completed exactly once.
 *   <li>{@code fanout} ({@link io.switchboard.bench.FanoutBench}) and {@code channels}
 *       ({@link io.switchboard.bench.ChannelsBench}), both {@link io.switchboard.bench.DeliveryBench}es:
 *       {@link io.switchboard.bench.SubscriberGroup}s of {@link io.switchboard.bench.Subscriber}s
 *       (event stream, WebSocket or long poll) receive what open-loop
 *       {@link io.switchboard.bench.PacedPublisher}s publish, and check it by sequence number.
 *   <li>{@code idle} ({@link io.switchboard.bench.IdleBench}): idle subscribers, and the server's
 *       resident memory per connection ({@link io.switchboard.bench.ServerProcess}).
 * </ul>
 * The subscriber benches reach the server through a {@link io.switchboard.bench.Target}: its URL
 * and protocol conventions ({@code --target switchboard}, or {@code nchan}).
 * {@code bench/engines.sh} drives either across engines; {@code bench/README.md} says how.
 */
package io.switchboard.bench;
