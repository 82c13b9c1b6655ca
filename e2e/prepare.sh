#!/usr/bin/env bash
# Make the e2e Redis ready: start it if nothing answers on its port (or reuse the one this checkout started), then
# fill it with real Django + DRF data (e2e/django/write_cache.py) and write the manifest the specs compare against.
# The port is the one e2e/django/caches.json names (6391, the suite's own, never 6379).
# A server this script starts writes .run/e2e-redis.pid; the caller stops it: kill "$(cat .run/e2e-redis.pid)".
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
run="$root/.run"
mkdir -p "$run"
# Debian's interpreter on purpose: its Django, django-redis and DRF are the versions the suite is written against.
python=/usr/bin/python3

port=$("$python" -c 'import json, sys, urllib.parse
print(urllib.parse.urlsplit(json.load(open(sys.argv[1]))["default"]["LOCATION"]).port)' "$root/e2e/django/caches.json")

answers() {
  [ "$(redis-cli -p "$port" ping 2>/dev/null)" = "PONG" ]
}

if answers; then
  # Reuse only a server this checkout started: filling it empties it first, and another checkout's run may be using
  # its own one on the same port right now.
  if ! { [ -s "$run/e2e-redis.pid" ] && kill -0 "$(cat "$run/e2e-redis.pid")" 2>/dev/null; }; then
    echo "e2e: port $port already answers, and not with a redis-server this checkout started ($run/e2e-redis.pid):" \
      "another run is using it; wait for it or stop that server" >&2
    exit 1
  fi
else
  rm -f "$run/e2e-redis.pid"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --dir "$run" --pidfile "$run/e2e-redis.pid" --logfile "$run/e2e-redis.log"
  for _ in $(seq 1 100); do
    answers && [ -s "$run/e2e-redis.pid" ] && break
    sleep 0.1
  done
  if ! answers; then
    echo "e2e: redis-server did not answer on port $port (log: $run/e2e-redis.log)" >&2
    exit 1
  fi
  echo "e2e: redis-server started on port $port (pid $(cat "$run/e2e-redis.pid"))"
fi

# The memcached alias's own server (caches.json "pages_mc"), on the same terms as the Redis above.
mc_port=$("$python" -c 'import json, sys
print(json.load(open(sys.argv[1]))["pages_mc"]["LOCATION"].rsplit(":", 1)[1])' "$root/e2e/django/caches.json")

mc_answers() {
  local reply
  { exec 3<>"/dev/tcp/127.0.0.1/$mc_port"; } 2>/dev/null || return 1
  printf 'version\r\n' >&3
  read -r -t 1 reply <&3 || reply=""
  exec 3<&- 3>&-
  [[ "$reply" == VERSION* ]]
}

if mc_answers; then
  if ! { [ -s "$run/e2e-memcached.pid" ] && kill -0 "$(cat "$run/e2e-memcached.pid")" 2>/dev/null; }; then
    echo "e2e: port $mc_port already answers, and not with a memcached this checkout started ($run/e2e-memcached.pid)" >&2
    exit 1
  fi
else
  rm -f "$run/e2e-memcached.pid"
  memcached -d -p "$mc_port" -U 0 -u root -l 127.0.0.1 -m 64 -P "$run/e2e-memcached.pid"
  for _ in $(seq 1 100); do
    mc_answers && [ -s "$run/e2e-memcached.pid" ] && break
    sleep 0.1
  done
  if ! mc_answers; then
    echo "e2e: memcached did not answer on port $mc_port" >&2
    exit 1
  fi
  echo "e2e: memcached started on port $mc_port (pid $(cat "$run/e2e-memcached.pid"))"
fi

# Django and the app both resolve the FileBasedCache LOCATION (.run/e2e-files) against the project root.
cd "$root"
# The companion spec's FileBasedCache and LocMemCache counters (caches.json "cs_files", e2e/env.ts COMPANION_SINKS):
# their Redis db and memcached are emptied by the writer below; these start empty too, so a run's counts are its own.
rm -rf "$run/e2e-cs-files" "$run/e2e-cs-sink"
"$python" "$root/e2e/django/write_cache.py" --manifest "$run/e2e-manifest.json"
