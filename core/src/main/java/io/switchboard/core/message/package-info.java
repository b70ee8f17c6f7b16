/** Messages as clients publish and read them. API. */
package io.switchboard.core.message;
