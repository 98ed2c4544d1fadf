#!/usr/bin/env bash
# Makes sure the Redis server for Argo CD's cache is built and prints its path on stdout (progress
# goes to stderr). It is miniredis (test/argocd/redis/), the in-process Redis of Argo CD's own test
# suite, built from its Go module and cached outside the clone in
# $ECS_OPERATOR_CACHE (default ~/.cache/ecs-operator)/miniredis/<hash of go.mod, go.sum, main.go>/,
# so a fresh machine needs no system package and no root for the GitOps suite.
set -euo pipefail
here=$(cd "$(dirname "$0")/redis" && pwd)
source "$here/../../support/cached-build.sh"

build() {
  cd "$here"
  CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "$1/redis-server" .
}

dir=$(cached_build "miniredis" miniredis "$(cat "$here/go.mod" "$here/go.sum" "$here/main.go" | sha256sum | cut -c1-16)" build)
echo "$dir/redis-server"
