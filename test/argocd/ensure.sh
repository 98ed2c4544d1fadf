#!/usr/bin/env bash
# Makes sure the pinned Argo CD build exists and prints the folder that holds it on stdout
# (progress goes to stderr). The folder holds:
#   argocd                    one binary for every component, chosen by ARGOCD_BINARY_NAME
#   git-verify-wrapper.sh     Argo CD's hack/ script the repo server execs (made executable:
#                             files in the module cache keep no mode bits)
#   crds/*.yaml               Argo CD's CRDs (manifests/crds)
#   config/*.yaml             Argo CD's default config maps and secret (manifests/base/config)
# Cached under $ECS_OPERATOR_CACHE (default ~/.cache/ecs-operator)/argocd/<key>/, where <key>
# names the pinned version and hashes the module's go.mod/go.sum (see test/support/cached-build.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/versions.env"
source "$here/../support/cached-build.sh"
# Argo CD v3.6 needs Go 1.27; the go command fetches this toolchain from the module proxy.
export GOTOOLCHAIN="$ARGOCD_GOTOOLCHAIN"

build() {
  local work=$1
  cd "$here"
  export CGO_ENABLED=0 GOFLAGS=-mod=mod
  local pkg=github.com/argoproj/argo-cd/v3/common
  # The same version stamps Argo CD's Makefile sets; without them the components report v99.99.99.
  local ldflags="-s -w -X $pkg.version=${ARGOCD_VERSION#v} -X $pkg.gitTag=${ARGOCD_VERSION} -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  echo "argocd: go build with $GOTOOLCHAIN (4-10 minutes on 2 cores)"
  go build -ldflags "$ldflags" -o "$work/argocd" github.com/argoproj/argo-cd/v3/cmd

  local src
  src=$(go list -m -f '{{.Dir}}' github.com/argoproj/argo-cd/v3)
  install -m 0755 "$src/hack/git-verify-wrapper.sh" "$work/git-verify-wrapper.sh"
  mkdir -p "$work/crds" "$work/config"
  install -m 0644 "$src"/manifests/crds/*-crd.yaml "$work/crds/"
  install -m 0644 "$src"/manifests/base/config/argocd-*.yaml "$work/config/"
}

cached_build argocd argocd "argocd-${ARGOCD_VERSION}_$(cat "$here/go.sum" "$here/go.mod" | sha256sum | cut -c1-12)" build
