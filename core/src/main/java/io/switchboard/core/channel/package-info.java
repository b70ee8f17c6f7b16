/** Channel names and subscription patterns: the lexical rules of the API v1 contract. API. */
package io.switchboard.core.channel;
