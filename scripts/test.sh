#!/usr/bin/env bash
# npm test: the whole suite. Installs what is missing, then runs every stage even when one fails:
#   deps -> typecheck -> lint -> unit -> python -> integration -> build -> e2e
# and ends with one line adding up all of them: "unit+python+integration+e2e: N passed, N failed".
# Exits non-zero when any stage failed. Servers run on the suite's own ports (never 6379 / 11211):
#   integration: redis 6389, 6397 + sentinel 26397, 6398-6399 (backend contract), 6392 (+1 for its password server), 6372-6373 (shards), 6374 + sentinel 26374, 6375 (job caps), 6376, 6377 (audit), 6378 (secrets), 6382, 6383 (hostile values), 6387-6388, 6394-6395 (namespaces; 6396: nothing listens), 6498-6499 (page script) (fixed per test file), memcached 11286-11289 (backend contract), postgres 5441 + mariadb 3341 (DatabaseCache contract; 5442, 3342: nothing listens), postgres 5443 + mariadb 3343 (DatabaseCache backend, jobs, faults), 11276, 11277 (secrets, SASL), 11278 (hostile values), 11282-11285, 11294 (namespaces; 11293: nothing listens), 11295-11299 (each started and stopped by its test file), redis 6471-6473 + sentinels 26471-26474 (Sentinel failover: lib/backends/redis/failover.int.test.ts)
#   Redis Cluster: 6451-6456 (+10000 cluster buses; lib/backends/redis/cluster.int.test.ts), 6461-6466 (e2e/cluster.spec.ts, console on 3120),
#                  6457-6459 (bench/redis-cluster.ts)
#   e2e: redis 6391, memcached 11391 (started here, filled by the real Django site, stopped on exit by their pids);
#        apps on 3107 (suite), 3108 (demo), 3109-3110 (e2e/security.spec.ts starts its own)
#        Django workers with the companion on 3111-3112 (e2e/companion.spec.ts starts and stops them)
#        DatabaseCache on PostgreSQL: postgres 5444 and a console on 3122 (e2e/database.spec.ts starts and stops them)
#        Sign in with Django: a console on 3113 and a Django worker on 3114 (e2e/django-login.spec.ts starts and stops them)
#   probe (lib/probe/probe.int.test.ts): redis 6501 (6502: nothing listens), memcached 11501; e2e/compare.spec.ts: a Django worker with the companion on 3118
#   cold entries (#18): redis 6481-6482, memcached 11481-11482 (lib/analysis/cold-*.int.test.ts); e2e/cold.spec.ts: console 3124;
#        bench comparisons of #18: redis 6489, memcached 11489
#   python (the Django companion's tests): redis 6441-6443, memcached 11441-11442; bench/companion-overhead.py: redis 6449
#   timing (lib/namespaces/timing.int.test.ts): redis 6444 and a Django worker with the companion on 3116
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

export NEXT_TELEMETRY_DISABLED=1
export CACHESCOPE_TEST_REDIS_PORT=6392
# shared/ (the API contract and the decoder's test vectors) lies beside the project; CI lays a copy there too.
export CACHESCOPE_SHARED="${CACHESCOPE_SHARED:-$(cd "$root/.." && pwd)/shared}"
if [ ! -d "$CACHESCOPE_SHARED" ]; then
  echo "test: warning: no shared/ directory at $CACHESCOPE_SHARED (set CACHESCOPE_SHARED): tests reading it will fail" >&2
fi

run="$root/.run"
reports="$run/reports"
mkdir -p "$run"
rm -rf "$reports"
mkdir -p "$reports"

# The whole suite must end within 25 minutes (CI allows 90): a stage that hangs is cut off at what is left of this budget.
deadline=$(($(date +%s) + 1500))

# e2e/prepare.sh reuses an e2e Redis or memcached this checkout already runs (a developer's, kept between runs) and
# leaves it be; one it starts for this run writes a new pid into its pidfile, and that one is stopped here.
e2e_pidfiles=("$run/e2e-redis.pid" "$run/e2e-memcached.pid")
e2e_pids_before=$(cat "${e2e_pidfiles[@]}" 2>/dev/null || true)
stop_e2e_servers() {
  local file pid
  for file in "${e2e_pidfiles[@]}"; do
    pid=$(cat "$file" 2>/dev/null || true)
    if [ -n "$pid" ] && ! grep -qx "$pid" <<<"$e2e_pids_before"; then
      kill "$pid" 2>/dev/null || true
    fi
  done
}
trap stop_e2e_servers EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

names=()
results=()
failed_stages=0
last_rc=0
total_passed=0
total_failed=0

# run_stage NAME LIMIT_SECONDS REPORT_FILE|- COMMAND...
run_stage() {
  local name=$1 limit=$2 report=$3
  shift 3
  local left=$((deadline - $(date +%s)))
  local result rc=0 started counts passed failed skipped
  echo
  echo "=== $name: $* ==="
  started=$(date +%s)
  if [ "$left" -le 0 ]; then
    rc=124
    limit=0
  else
    [ "$limit" -le "$left" ] || limit=$left
    timeout --kill-after=10 "$limit" "$@" </dev/null || rc=$?
  fi
  local took=$(($(date +%s) - started))s
  case $rc in
    0) result="ok" ;;
    124 | 137) result="FAILED (stopped after ${limit}s)" ;;
    *) result="FAILED (exit $rc)" ;;
  esac
  if [ "$report" != "-" ]; then
    if counts=$(node scripts/test-summary.mjs "$report" 2>/dev/null); then
      read -r passed failed skipped <<<"$counts"
    else
      passed=0 failed=0 skipped=0
    fi
    # A test stage that failed without a failing test (crash, no tests found, time out) still counts once.
    if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
    result="$result  $passed passed, $failed failed, $skipped skipped"
  elif [ "$rc" -ne 0 ]; then
    # A failed check (deps, typecheck, lint, build) counts as one failure in the closing line.
    total_failed=$((total_failed + 1))
  fi
  [ "$rc" -eq 0 ] || failed_stages=$((failed_stages + 1))
  last_rc=$rc
  names+=("$name")
  results+=("$(printf '%-5s %s' "$took" "$result")")
  return 0
}

# record_failure NAME WHY: a stage that could not run at all.
record_failure() {
  echo
  echo "=== $1: not run: $2 ==="
  names+=("$1")
  results+=("$(printf '%-5s %s' "0s" "FAILED ($2)")")
  failed_stages=$((failed_stages + 1))
  total_failed=$((total_failed + 1))
}

run_stage deps 600 - bash scripts/ensure-deps.sh
run_stage typecheck 300 - bash -c 'npx next typegen && npx tsc --noEmit'
run_stage lint 300 - bash -c 'npx eslint . && npx prettier --check .'
run_stage unit 300 "$reports/unit.json" \
  npx vitest run --project unit --reporter=default --reporter=json --outputFile="$reports/unit.json"
run_stage python 180 "$reports/python.json" \
  /usr/bin/python3 integrations/django/tests/run.py --report "$reports/python.json"
run_stage integration 420 "$reports/integration.json" \
  npx vitest run --project integration --reporter=default --reporter=json --outputFile="$reports/integration.json"
run_stage build 420 - bash -c 'node lib/codecs/pool/build-worker.mjs && npx next build'

if [ "$last_rc" -ne 0 ]; then
  record_failure e2e "the build failed"
else
  # The e2e Redis is filled by the real Django site before Playwright starts the app (Playwright starts its
  # webServer before globalSetup); the audit log starts empty for the same reason.
  rm -f "$run/e2e-audit.log"
  run_stage e2e-data 120 - bash e2e/prepare.sh
  if [ "$last_rc" -ne 0 ]; then
    record_failure e2e "no e2e data"
  else
    run_stage e2e 420 "$reports/e2e.json" env CACHESCOPE_E2E_PREPARED=1 PLAYWRIGHT_JSON_OUTPUT_FILE="$reports/e2e.json" \
      npx playwright test --reporter=list,json
  fi
fi
stop_e2e_servers

echo
echo "=== summary ==="
for i in "${!names[@]}"; do
  printf '%-12s %s\n' "${names[$i]}" "${results[$i]}"
done
echo "(a failed check such as typecheck, lint or build counts as one failure below)"
echo "unit+python+integration+e2e: $total_passed passed, $total_failed failed"
[ "$failed_stages" -eq 0 ]
