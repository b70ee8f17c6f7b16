/**
 * Jobs: asynchronous request-reply. A client submits a job to a queue and holds its id; workers
 * claim jobs with a lease (competing consumers), and complete or fail them; the submitter waits,
 * polls, streams the job's changes or is called back. {@link io.switchboard.core.jobs.Jobs} is the
 * service; engines store {@link io.switchboard.core.jobs.Job} records through
 * {@link io.switchboard.core.engine.JobStore}, and engines that keep jobs in memory build on
 * {@link io.switchboard.core.jobs.JobTable}.
 */
package io.switchboard.core.jobs;
