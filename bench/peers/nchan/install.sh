#!/usr/bin/env bash
# Installs Nchan from Debian (the packages nginx and libnginx-mod-nchan) if it is missing, without
# starting or enabling the system's nginx service: bench/peers/nchan/start.sh runs its own nginx,
# with its own configuration, pid file and logs, and stop.sh stops it. Needs root (apt-get).
#
#   bench/peers/nchan/install.sh
set -euo pipefail

module=/usr/lib/nginx/modules/ngx_nchan_module.so
if command -v nginx >/dev/null && [ -f "$module" ]; then
  echo "install.sh: nginx $(nginx -v 2>&1 | sed 's|.*nginx/||') with Nchan $(dpkg-query -W -f '${Version}' libnginx-mod-nchan 2>/dev/null || echo '?') already installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: nginx and libnginx-mod-nchan are missing; run this as root to install them from Debian" >&2
  exit 1
fi

# Debian's maintainer scripts start a freshly installed service through invoke-rc.d; a
# policy-rc.d that answers 101 ("action forbidden") keeps the system's nginx stopped. Put one in
# place only for the install, and only if the machine has none of its own.
policy=/usr/sbin/policy-rc.d
own_policy=false
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# bench/peers/nchan/install.sh: no service starts during the install\nexit 101\n' >"$policy"
  chmod +x "$policy"
  own_policy=true
fi
cleanup() {
  if $own_policy; then rm -f "$policy"; fi
}
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends nginx libnginx-mod-nchan

# Where systemd runs, make sure the service stays off; elsewhere there is nothing to disable.
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  systemctl disable --now nginx.service >/dev/null 2>&1 || true
fi
echo "install.sh: installed nginx $(nginx -v 2>&1 | sed 's|.*nginx/||') with Nchan $(dpkg-query -W -f '${Version}' libnginx-mod-nchan)"
