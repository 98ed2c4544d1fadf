#!/usr/bin/env bash
# The one test command (`npm test`, called by .ci/run): installs what the tests need, then runs every
# suite. A control plane or emulator that cannot be set up is a failure, never a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .test-results
results=$PWD/.test-results

export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true  # the image runs Node 24; CI runs the machine's Node 20
step() { printf '\n== %s\n' "$*"; }
seconds() { echo $(( $(date +%s) - $1 )); }

step "npm packages"
# npm ci only when nothing is installed yet or the lock file changed since the last install.
if ! [ node_modules/.package-lock.json -nt package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

# Runs the ensure scripts of one test dependency (each prints what it provides) and says how long
# they took: seconds when cached, minutes on a cold machine.
setup() {
  local what=$1 t found=()
  shift
  t=$(date +%s)
  for script in "$@"; do found+=("$(bash "$script")"); done
  echo "$what setup took $(seconds "$t")s (${found[*]})"
}

step "control plane (etcd, kube-apiserver, kube-controller-manager, kubectl)"
setup "control plane" test/controlplane/ensure.sh

step "AWS emulator (moto, pinned, in a cached virtualenv)"
setup "emulator" test/aws/ensure-venv.sh

step "Lua runner for the Argo CD health checks (gopher-lua, as Argo CD runs them)"
setup "Lua runner" test/lua/ensure.sh

step "promtool for the alerting rules of deploy/observability (Prometheus, built from Go modules)"
setup "promtool" test/tools/promtool/ensure.sh

step "Argo CD for the GitOps suite (built from Go modules; GOTOOLCHAIN from test/argocd/versions.env) and miniredis as its cache"
setup "Argo CD" test/argocd/ensure.sh test/argocd/ensure-redis.sh

step "Helm and actionlint (built from Go modules) for the chart and workflow checks"
setup "Helm" test/tools/helm/ensure.sh
setup "actionlint" test/tools/actionlint/ensure.sh

step "typecheck, lint, generated CRDs"
npx tsc -p tsconfig.json --noEmit
npx eslint .
npx tsx scripts/gen-crds.ts --check
npx tsx scripts/sync-deploy-crds.ts --check

status=0
step "vitest: unit, integration and end-to-end suites"
npx vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest.json" || status=1

step "emulator suite (pytest)"
bash test/aws/run-tests.sh --junitxml="$results/pytest.xml" || status=1

step "summary"
node scripts/test-summary.mjs "$results/vitest.json" "$results/pytest.xml" || status=1
exit $status
