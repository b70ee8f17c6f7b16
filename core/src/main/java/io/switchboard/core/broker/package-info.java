/** The broker: publish, read and wait, the API every transport adapts. API. */
package io.switchboard.core.broker;
