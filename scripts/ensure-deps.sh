#!/usr/bin/env bash
# Install what the project needs, and only what is missing.
#   scripts/ensure-deps.sh       Debian packages for the test suite (servers, browser, the real Django), then node_modules
#   scripts/ensure-deps.sh npm   node_modules only (what `npm start` needs)
# node_modules is (re)installed with `npm ci` when it is missing or older than package-lock.json.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

# The test suite's real servers, the browser Playwright drives, and the Django side that writes real cache data
# (Debian's Django 3.2, django-redis 5.2, DRF 3.14, pymemcache, pylibmc, redis-py, run with /usr/bin/python3).
# sasl2-bin: saslpasswd2 makes the user database of the SASL-authenticated memcached the memjs path is tested on.
# postgresql-15, mariadb-server: the DatabaseCache tests' own servers; python3-psycopg2, python3-mysqldb: Django's drivers for them.
DEBIAN_PACKAGES=(
  redis-server memcached chromium
  python3-django python3-django-redis python3-djangorestframework python3-pymemcache python3-pylibmc python3-redis
  sasl2-bin
  postgresql-15 mariadb-server python3-psycopg2 python3-mysqldb
)
# What the suite runs from those packages: checked after installing, so a broken install fails here, not mid-suite.
COMMANDS=(redis-server redis-cli memcached saslpasswd2 /usr/bin/chromium /usr/bin/python3 /usr/lib/postgresql/15/bin/initdb psql mariadbd mariadb-install-db mariadb)

installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

ensure_debian() {
  local missing=() p
  for p in "${DEBIAN_PACKAGES[@]}"; do
    installed "$p" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "ensure-deps: missing Debian packages: ${missing[*]}; install them as root: apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
    echo "ensure-deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q "${missing[@]}"
  fi
  local c
  for c in "${COMMANDS[@]}"; do
    if ! command -v "$c" >/dev/null; then
      echo "ensure-deps: $c is still missing after installing ${DEBIAN_PACKAGES[*]}" >&2
      exit 1
    fi
  done
  if ! /usr/bin/python3 -c 'import django, django_redis, rest_framework, pymemcache, pylibmc, redis, psycopg2, MySQLdb' 2>/dev/null; then
    echo "ensure-deps: /usr/bin/python3 cannot import django, django_redis, rest_framework, pymemcache, pylibmc, redis, psycopg2 and MySQLdb" >&2
    exit 1
  fi
}

ensure_node_modules() {
  # npm writes node_modules/.package-lock.json on every install: older than package-lock.json means stale.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "ensure-deps: node_modules missing or older than package-lock.json: npm ci"
    npm ci --no-audit --no-fund
  fi
}

case "${1:-all}" in
  all) ensure_debian; ensure_node_modules ;;
  npm) ensure_node_modules ;;
  *) echo "usage: $0 [all|npm]" >&2; exit 2 ;;
esac
