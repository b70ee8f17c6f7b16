package io.switchboard.server.http;

import io.switchboard.core.InvalidInputException;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** The query parameters of one request, each allowed at most once, with range-checked numbers. */
final class QueryParameters {
  private static final QueryParameters NONE = new QueryParameters(MultiMap.caseInsensitiveMultiMap());

  private final MultiMap params;

  private QueryParameters(MultiMap params) {
    this.params = params;
  }

  /**
   * The query of {@code ctx}.
   *
   * @throws InvalidInputException when the query string is not valid percent-encoding
   */
  static QueryParameters of(RoutingContext ctx) {
    return decoded(ctx::queryParams);
  }

  /** The query of {@code request}, for requests served without the router; throws as {@link #of(RoutingContext)} does. */
  static QueryParameters of(HttpServerRequest request) {
    // Most publishes have no query: then there is nothing to decode.
    return request.query() == null ? NONE : decoded(request::params);
  }

  private static QueryParameters decoded(Supplier<MultiMap> query) {
    MultiMap decoded;
    try {
      decoded = query.get();
    } catch (HttpException | IllegalArgumentException malformed) {
      // Vert.x decodes lazily and reports bad %-escapes this way; it is the client's input.
      throw new InvalidInputException("the query string is not valid percent-encoding");
    }
    return of(decoded);
  }

  /** The parameters of a query already decoded into {@code decoded}. */
  static QueryParameters of(MultiMap decoded) {
    return new QueryParameters(decoded);
  }

  List<String> all(String name) {
    return params.getAll(name);
  }

  Optional<String> text(String name) {
    List<String> values = params.getAll(name);
    if (values.size() > 1) {
      throw new InvalidInputException("query parameter " + name + " is given " + values.size() + " times; give it once");
    }
    return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  Optional<Integer> integer(String name, int min, int max) {
    return text(name).map(text -> {
      if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new InvalidInputException("query parameter " + name + "=" + InvalidInputException.quote(text) + " must be a whole number from " + min + " to " + max);
      }
      long value = Long.parseLong(text);
      if (value < min || value > max) {
        throw new InvalidInputException("query parameter " + name + "=" + text + " must be from " + min + " to " + max);
      }
      return (int) value;
    });
  }

  Optional<Boolean> bool(String name) {
    return text(name).map(text -> switch (text) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new InvalidInputException("query parameter " + name + "=" + InvalidInputException.quote(text) + " must be true or false");
    });
  }
}
