#!/usr/bin/env bash
# Makes sure the Lua health-check runner (gopher-lua, as Argo CD runs health scripts) is built and
# prints the path of the binary on stdout (progress goes to stderr).
#
# The binary is cached outside the clone, in
# $ECS_OPERATOR_CACHE (default ~/.cache/ecs-operator)/lua-runner/<hash of go.mod, go.sum, main.go>/,
# so a change to the runner or a version bump builds afresh (see test/support/cached-build.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../support/cached-build.sh"

build() {
  cd "$here"
  CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "$1/lua-runner" .
}

dir=$(cached_build "lua runner" lua-runner "$(cat "$here/go.mod" "$here/go.sum" "$here/main.go" | sha256sum | cut -c1-16)" build)
echo "$dir/lua-runner"
