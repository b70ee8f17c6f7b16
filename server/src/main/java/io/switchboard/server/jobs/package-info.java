/**
 * What the server adds to the core's job queue: the JSON form of a job, shared by every transport
 * and by callbacks, and the sender of signed callbacks.
 */
package io.switchboard.server.jobs;
