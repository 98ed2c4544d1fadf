#!/usr/bin/env bash
# Runs the AWS emulator's own tests (pytest + boto3) with the pinned venv; non-zero on failure.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv=$(bash "$here/ensure-venv.sh")
cd "$here"
# No __pycache__ folders in the work tree.
export PYTHONDONTWRITEBYTECODE=1
exec "$venv/bin/python" -m pytest "$@"
