#!/usr/bin/env bash
# Makes sure the pinned promtool (Prometheus's rule checker and unit-test runner) is built from Go
# modules and prints the path of the binary on stdout (progress goes to stderr). The tests run
# `promtool check rules` and `promtool test rules` on deploy/observability/.
#
# Cached outside the clone, in $ECS_OPERATOR_CACHE (default ~/.cache/ecs-operator)/promtool/<key>/,
# where <key> names the version and hashes go.mod/go.sum (see test/support/cached-build.sh).
# A cold build takes a few minutes on 2 cores.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../support/cached-build.sh"
version=$(awk '$1 == "require" && $2 == "github.com/prometheus/prometheus" { print $3 }' "$here/go.mod")

build() {
  cd "$here"
  # The version stamp Prometheus's own build sets; without it `promtool --version` says nothing.
  CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath \
    -ldflags "-s -w -X github.com/prometheus/common/version.Version=${version#v}" \
    -o "$1/promtool" github.com/prometheus/prometheus/cmd/promtool
}

dir=$(cached_build promtool promtool "promtool-${version}_$(cat "$here/go.mod" "$here/go.sum" | sha256sum | cut -c1-12)" build)
echo "$dir/promtool"
