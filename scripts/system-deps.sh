#!/usr/bin/env bash
# Install the system packages the full test suite needs (Debian): a PostgreSQL server for the
# storage/service tests and Chromium for the browser tests. Idempotent; quick when present.
set -euo pipefail
need=()
[[ -x /usr/lib/postgresql/15/bin/postgres || -n "$(ls /usr/lib/postgresql/*/bin/postgres 2>/dev/null)" ]] \
  || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if ((${#need[@]} == 0)); then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "system-deps: missing ${need[*]}; run as root or install them: apt-get install ${need[*]}" >&2
  exit 1
fi
echo "system-deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
