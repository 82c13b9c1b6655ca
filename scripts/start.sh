#!/usr/bin/env bash
# npm start: install node_modules if needed, build if there is no build or a source is newer than it, then serve.
# Configuration comes from the environment (CACHESCOPE_CACHES or CACHESCOPE_CONFIG, CACHESCOPE_TOKEN, ...: see the
# README); with none, the app opens its built-in demo. PORT defaults to 3000.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export NEXT_TELEMETRY_DISABLED=1
port="${PORT:-3000}"

bash scripts/ensure-deps.sh npm

# Everything `next build` reads. Directories count too: their mtime moves when a file is added or removed.
# Test files never reach the build, so editing one does not force a rebuild.
build_inputs=(app components lib public proxy.ts instrumentation.ts next.config.js postcss.config.mjs tsconfig.json package.json package-lock.json)

needs_build() {
  [ -f .next/BUILD_ID ] || return 0
  local existing=() p
  for p in "${build_inputs[@]}"; do
    [ -e "$p" ] && existing+=("$p")
  done
  [ -n "$(find "${existing[@]}" -newer .next/BUILD_ID ! -name '*.test.ts' -print -quit)" ]
}

if needs_build; then
  echo "start: building (no build yet, or sources newer than it)"
  node lib/codecs/pool/build-worker.mjs
  node_modules/.bin/next build
fi

# exec the binary itself, not npx: a signal to this process must reach the server, not orphan it.
exec node_modules/.bin/next start -p "$port"
