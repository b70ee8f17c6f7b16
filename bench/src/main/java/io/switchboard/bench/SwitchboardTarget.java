package io.switchboard.bench;

/** Switchboard's conventions (docs/api.md): publish with {@code POST /v1/channels/{ch}/messages}, answered 201. */
final class SwitchboardTarget implements Target {
  static final String NAME = "switchboard";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String publishPath(String channel) {
    return "/v1/channels/" + channel + "/messages";
  }

  @Override
  public boolean accepted(int status) {
    return status == 201;
  }
}
