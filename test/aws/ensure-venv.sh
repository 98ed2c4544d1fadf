#!/usr/bin/env bash
# Makes sure the AWS emulator's virtualenv (moto and its pinned dependencies, see requirements.txt)
# exists and prints its path on stdout; progress goes to stderr.
#
# The venv lives in $ECS_OPERATOR_CACHE (default ~/.cache/ecs-operator)/moto/<key>/venv, where <key>
# names the Python version and the hash of requirements.txt, so a change of either builds a fresh
# one. It is built in a temp folder and moved into place only when complete: an interrupted run
# leaves no half-filled cache. Only `venv/bin/python` is used after the move (console scripts keep
# the temp path in their shebang), which is why callers run `python -m pytest`, never `pytest`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
python=${ECS_OPERATOR_PYTHON:-python3}

command -v "$python" >/dev/null || { echo "AWS emulator: $python is required (CPython >= 3.10)" >&2; exit 1; }
pyver=$("$python" -c 'import sys; print("%s%d.%d.%d" % (sys.implementation.name, *sys.version_info[:3]))')
key="${pyver}-$(sha256sum "$here/requirements.txt" | cut -c1-16)"
cache_root="${ECS_OPERATOR_CACHE:-$HOME/.cache/ecs-operator}/moto"
dest="$cache_root/$key"

if [[ -f "$dest/.complete" ]]; then
  echo "$dest/venv"
  exit 0
fi

mkdir -p "$cache_root"
# A build killed outright (SIGKILL, power loss) leaves its temp folder behind; sweep old ones.
find "$cache_root" -maxdepth 1 -name '.build-*' -mmin +60 -exec rm -rf {} + 2>/dev/null || true
work=$(mktemp -d "$cache_root/.build-XXXXXX")
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
echo "AWS emulator: installing $key (first run only)" >&2
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --disable-pip-version-check --no-input --quiet \
  --requirement "$here/requirements.txt" >&2
touch "$work/.complete"

# Two runs may build at once (a test script and a vitest setup): the first move wins and the
# other run uses its result.
if ! mv -T "$work" "$dest" 2>/dev/null; then
  [[ -f "$dest/.complete" ]] || { echo "AWS emulator: could not move the venv into $dest" >&2; exit 1; }
else
  trap - EXIT
fi
echo "AWS emulator: installed in $(( $(date +%s) - start ))s into $dest" >&2
echo "$dest/venv"
