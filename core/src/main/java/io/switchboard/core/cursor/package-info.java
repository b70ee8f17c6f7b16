/** Opaque positions in a channel, and how engines recognise stale and foreign ones. API. */
package io.switchboard.core.cursor;
