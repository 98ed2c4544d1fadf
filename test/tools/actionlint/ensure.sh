#!/usr/bin/env bash
# Makes sure the pinned actionlint (github.com/rhysd/actionlint, built from this Go module) exists
# and prints the path of the binary on stdout (progress goes to stderr). Cached outside the clone,
# under $ECS_OPERATOR_CACHE (default ~/.cache/ecs-operator)/actionlint/<key>/, where <key> hashes
# go.mod and go.sum (see test/support/cached-build.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../support/cached-build.sh"

build() {
  cd "$here"
  echo "actionlint: go build"
  CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "$1/actionlint" github.com/rhysd/actionlint/cmd/actionlint
}

dir=$(cached_build actionlint actionlint "$(cat "$here/go.mod" "$here/go.sum" | sha256sum | cut -c1-16)" build)
echo "$dir/actionlint"
