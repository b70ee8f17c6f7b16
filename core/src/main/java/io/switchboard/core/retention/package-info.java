/** How much history each channel keeps, by count and by age, per channel pattern. API. */
package io.switchboard.core.retention;
