#!/usr/bin/env bash
# Makes sure the pinned Helm (helm.sh/helm/v4, built from this Go module) exists and prints the
# path of the binary on stdout (progress goes to stderr). Cached outside the clone, under
# $ECS_OPERATOR_CACHE (default ~/.cache/ecs-operator)/helm/<key>/, where <key> hashes go.mod and
# go.sum, so a version bump builds afresh (see test/support/cached-build.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../support/cached-build.sh"

build() {
  cd "$here"
  local version
  version=$(GOFLAGS=-mod=mod go list -m -f '{{.Version}}' helm.sh/helm/v4)
  # The stamp Helm's Makefile sets; without it `helm version` reports a development build.
  echo "helm: go build ${version} (a few minutes on 2 cores)"
  CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=${version}" \
    -o "$1/helm" helm.sh/helm/v4/cmd/helm
}

dir=$(cached_build helm helm "$(cat "$here/go.mod" "$here/go.sum" | sha256sum | cut -c1-16)" build)
echo "$dir/helm"
