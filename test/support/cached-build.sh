# Sourced by the ensure.sh scripts that build test tools from Go modules (control plane, Argo CD,
# Lua runner): one way to cache a build outside the clone.
#
#   dir=$(cached_build <label> <cache folder> <key> <build function>)
#
# prints $ECS_OPERATOR_CACHE (default ~/.cache/ecs-operator)/<cache folder>/<key> on stdout, after
# building it when it is not there yet: `<build function> <work dir>` fills a temp folder that is
# moved into place only when complete, so an interrupted build never leaves a half-filled cache
# behind, and the key (versions and a hash of the inputs) makes a bump build a fresh folder.
# Progress, and everything the build function prints, goes to stderr; the build time is printed as
# "<label>: built in <seconds>s" (the test harnesses read that line).
cached_build() {
  local label=$1 folder=$2 key=$3 build=$4
  local cache_root="${ECS_OPERATOR_CACHE:-$HOME/.cache/ecs-operator}/$folder"
  local dest="$cache_root/$key"
  if [[ -f "$dest/.complete" ]]; then
    echo "$label: cached at $dest" >&2
    echo "$dest"
    return 0
  fi
  command -v go >/dev/null || { echo "$label: Go is required to build it" >&2; return 1; }
  mkdir -p "$cache_root"
  local work start
  work=$(mktemp -d "$cache_root/.build-XXXXXX")
  chmod 0755 "$work"
  # shellcheck disable=SC2064 # expand now: $work is local
  trap "rm -rf '$work'" EXIT
  start=$(date +%s)
  echo "$label: building $key (cold build)" >&2
  "$build" "$work" >&2
  touch "$work/.complete"
  # Another run may have finished the same build meanwhile: keep whichever landed first.
  if ! mv -T "$work" "$dest" 2>/dev/null; then
    [[ -f "$dest/.complete" ]] || { rm -rf "$dest"; mv -T "$work" "$dest"; }
  fi
  rm -rf "$work"
  trap - EXIT
  echo "$label: built in $(( $(date +%s) - start ))s into $dest" >&2
  echo "$dest"
}
