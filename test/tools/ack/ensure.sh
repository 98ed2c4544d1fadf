#!/usr/bin/env bash
# Makes sure the pinned AWS Controllers for Kubernetes ECS controller (the peer bench/ack/ runs
# side by side with the operator) is built, and prints the folder that holds it on stdout:
# <dir>/controller (the binary) and <dir>/crds/*.yaml (its CRDs, from the same module). Progress
# goes to stderr. Cached outside the clone, under $ECS_OPERATOR_CACHE (default
# ~/.cache/ecs-operator)/ack/<key>/, where <key> names the version and hashes go.mod and go.sum.
#
# The module comes from the Go module proxy. Where the proxy does not serve the ACK controllers
# (some mirrors answer 403 for github.com/aws-controllers-k8s/*-controller), set ACK_SOURCES to a
# folder holding git repositories named ecs-controller, ec2-controller, iam-controller and
# elbv2-controller (clones or bare): the pinned tags are taken from them with `git archive` and
# swapped in with `replace`, and every other module still comes from the proxy, checked against
# go.sum.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../support/cached-build.sh"

ack_module=github.com/aws-controllers-k8s/ecs-controller
ack_version=$(sed -n "s|^require $ack_module \(v[^ ]*\)$|\1|p" "$here/go.mod")

# Extracts <repo>@<tag> from $ACK_SOURCES into <dest> and prints nothing.
extract() {
  local repo=$1 tag=$2 dest=$3
  local git_dir="$ACK_SOURCES/$repo"
  git -C "$git_dir" rev-parse -q --verify "$tag^{commit}" >/dev/null \
    || { echo "ack: $git_dir has no tag $tag" >&2; return 1; }
  mkdir -p "$dest"
  git -C "$git_dir" archive "$tag" | tar -x -C "$dest"
}

build() {
  local work=$1
  # Inside the work folder, so an interrupted build leaves nothing behind (cached_build drops it).
  local mod="$work/.module"
  mkdir -p "$mod"
  cp "$here/go.mod" "$here/go.sum" "$here/tools.go" "$mod/"
  cd "$mod"
  export CGO_ENABLED=0 GOFLAGS=-mod=mod
  if [[ -n "${ACK_SOURCES:-}" ]]; then
    echo "ack: taking the ACK controllers from ACK_SOURCES=$ACK_SOURCES"
    extract ecs-controller "$ack_version" "$mod/src/ecs-controller"
    go mod edit -replace "$ack_module=./src/ecs-controller"
    # The controllers ecs-controller imports for its references (VPC, IAM role, target group).
    local dep version
    while read -r dep version; do
      extract "${dep##*/}" "$version" "$mod/src/${dep##*/}"
      go mod edit -replace "$dep=./src/${dep##*/}"
    done < <(sed -n 's|^\s*\(github.com/aws-controllers-k8s/[a-z0-9]*-controller\) \(v[^ ]*\).*|\1 \2|p' \
      "$mod/src/ecs-controller/go.mod")
  fi
  echo "ack: go build $ack_module $ack_version (a few minutes on 2 cores)"
  if ! go build -trimpath -ldflags "-s -w" -o "$work/controller" "$ack_module/cmd/controller"; then
    echo "ack: build failed; if the module proxy refused $ack_module, set ACK_SOURCES (see the header of $0)" >&2
    return 1
  fi
  local src
  src=$(go list -m -f '{{if .Replace}}{{.Replace.Dir}}{{else}}{{.Dir}}{{end}}' "$ack_module")
  [[ "$src" = /* ]] || src="$mod/$src"
  mkdir -p "$work/crds"
  cp "$src"/config/crd/bases/*.yaml "$src"/config/crd/common/bases/*.yaml "$work/crds/"
  cd "$work"
  chmod -R u+w "$mod" && rm -rf "$mod"
}

cached_build ack ack "ecs-controller-${ack_version}_$(cat "$here/go.mod" "$here/go.sum" | sha256sum | cut -c1-12)" build
