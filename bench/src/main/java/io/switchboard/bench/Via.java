package io.switchboard.bench;

/** The transport a subscriber bench subscribes over, by the name {@code --via} takes. */
enum Via {
  SSE("sse"),
  WS("ws"),
  LONG_POLL("long-poll");

  private final String option;

  Via(String option) {
    this.option = option;
  }

  String option() {
    return option;
  }

  /** @throws IllegalArgumentException for a name that is none of sse, ws, long-poll */
  static Via named(String name) {
    for (Via via : values()) {
      if (via.option.equals(name)) {
        return via;
      }
    }
    throw new IllegalArgumentException("--via \"" + name + "\" is not one of sse, ws, long-poll");
  }
}
