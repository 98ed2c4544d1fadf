#!/usr/bin/env bash
# Makes sure the pinned control-plane binaries (etcd, kube-apiserver, kube-controller-manager,
# kubectl) exist and prints the folder that holds them on stdout (progress goes to stderr).
#
# Order of preference:
#   1. $KUBEBUILDER_ASSETS, the envtest convention, when it holds etcd, kube-apiserver and kubectl
#      (kube-controller-manager is optional there: envtest does not ship it);
#   2. the cache, $ECS_OPERATOR_CACHE (default ~/.cache/ecs-operator)/controlplane/<key>/, where
#      <key> names every pinned version, so a bump builds a fresh folder;
#   3. a build from this Go module (see test/support/cached-build.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/versions.env"
source "$here/../support/cached-build.sh"

if [[ -n "${KUBEBUILDER_ASSETS:-}" ]]; then
  for bin in etcd kube-apiserver kubectl; do
    [[ -x "$KUBEBUILDER_ASSETS/$bin" ]] || { echo "KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS has no $bin" >&2; exit 1; }
  done
  echo "control plane: using KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS" >&2
  echo "$KUBEBUILDER_ASSETS"
  exit 0
fi

build() {
  local work=$1
  cd "$here"
  export CGO_ENABLED=0 GOFLAGS=-mod=mod
  local ldflags="-s -w -X k8s.io/component-base/version.gitVersion=${K8S_VERSION} -X k8s.io/component-base/version.gitTreeState=clean"
  echo "control plane: go build (a few minutes on 2 cores)"
  go build -ldflags "$ldflags" -o "$work/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
  go build -ldflags "$ldflags" -o "$work/kube-controller-manager" k8s.io/kubernetes/cmd/kube-controller-manager
  go build -ldflags "$ldflags" -o "$work/kubectl" k8s.io/kubernetes/cmd/kubectl
  go build -ldflags "-s -w" -o "$work/etcd" ./cmd/etcd
}

cached_build "control plane" controlplane "k8s-${K8S_VERSION}_etcd-${ETCD_VERSION}_$(cat "$here/go.sum" "$here/go.mod" | sha256sum | cut -c1-12)" build
