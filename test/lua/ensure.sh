#!/usr/bin/env bash
# Makes sure the Lua health-check runner (gopher-lua, as Argo CD runs health scripts) is built and
# prints the path of the binary on stdout (progress goes to stderr).
#
# The binary is cached outside the clone, in
# $ECS_OPERATOR_CACHE (default ~/.cache/ecs-operator)/lua-runner/<hash of go.mod, go.sum, main.go>/,
# so a change to the runner or a version bump builds afresh. It is built into a temp folder that
# is moved into place only when complete: an interrupted build never leaves a half-filled cache.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

cache_root="${ECS_OPERATOR_CACHE:-$HOME/.cache/ecs-operator}/lua-runner"
key=$(cat "$here/go.mod" "$here/go.sum" "$here/main.go" | sha256sum | cut -c1-16)
dest="$cache_root/$key"
if [[ -f "$dest/.complete" ]]; then
  echo "lua runner: cached at $dest" >&2
  echo "$dest/lua-runner"
  exit 0
fi

command -v go >/dev/null || { echo "lua runner: Go is required to build the gopher-lua runner" >&2; exit 1; }
mkdir -p "$cache_root"
work=$(mktemp -d "$cache_root/.build-XXXXXX")
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
echo "lua runner: building $key" >&2
cd "$here"
CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "$work/lua-runner" .
touch "$work/.complete"
# Another run may have finished the same build meanwhile: keep whichever landed first.
if ! mv -T "$work" "$dest" 2>/dev/null; then
  [[ -f "$dest/.complete" ]] || { rm -rf "$dest"; mv -T "$work" "$dest"; }
fi
trap - EXIT
rm -rf "$work"
echo "lua runner: built in $(( $(date +%s) - start ))s into $dest" >&2
echo "$dest/lua-runner"
