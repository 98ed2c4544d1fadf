#!/usr/bin/env bash
# Makes sure `redis-server` (Argo CD's cache) is installed and prints its path on stdout (progress
# goes to stderr). It comes from the Debian package; CI runs as root on this machine kind, so a
# missing one is installed with apt-get. Elsewhere, install it yourself (any Redis 6 or later).
set -euo pipefail
if path=$(command -v redis-server); then
  echo "$path"
  exit 0
fi
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
  echo "argocd harness: redis-server is missing; install it (Debian/Ubuntu: apt-get install redis-server)" >&2
  exit 1
fi
echo "argocd harness: installing redis-server with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# policy-rc.d exit 101 keeps the package from starting a system-wide redis on port 6379: the
# harness runs its own on a free loopback port.
policy=/usr/sbin/policy-rc.d
created_policy=
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created_policy=1
fi
status=0
apt-get install -y -qq --no-install-recommends redis-server >&2 || status=$?
[[ -n $created_policy ]] && rm -f "$policy"
[[ $status -eq 0 ]] || exit "$status"
command -v redis-server
