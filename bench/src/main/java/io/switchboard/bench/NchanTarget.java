package io.switchboard.bench;

/**
 * Nchan's conventions with the locations of {@code bench/peers/nchan/nginx.conf.template}: a
 * publisher location at {@code /pub/{id}}, where a {@code POST} of the raw data is answered
 * {@code 201 Created} when a subscriber was waiting and {@code 202 Accepted} when none was, both
 * meaning stored (bench/peers/nchan/README.md has what was observed).
 */
final class NchanTarget implements Target {
  static final String NAME = "nchan";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String publishPath(String channel) {
    return "/pub/" + channel;
  }

  @Override
  public boolean accepted(int status) {
    return status == 201 || status == 202;
  }
}
