"""Writes memcached entries with a real Django (Debian's python3-django 3.2, PyMemcacheCache) and reads some of them,
for the cold-entry integration tests.

Usage: /usr/bin/python3 djcold.py '<json args>'
  {"servers": [...], "prefix": p, "namespaces": {"name": {"keys": n, "read": r, "forever": bool}}}
  writes n keys "name:i" per namespace (timeout=None where forever, else 600 s), then reads the first r of them
  through Django's get(); prints {"rawKeys": {"name": [raw key, ...]}}.
"""
import json
import sys

import django
from django.conf import settings


def main():
    args = json.loads(sys.argv[1])
    settings.configure(
        DEBUG=False,
        SECRET_KEY="cachescope-tests",
        INSTALLED_APPS=[],
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
                "LOCATION": args["servers"],
                "KEY_PREFIX": args["prefix"],
            }
        },
    )
    django.setup()
    from django.core.cache import cache

    raw = {}
    for name, spec in args["namespaces"].items():
        keys = [f"{name}:{i}" for i in range(spec["keys"])]
        for key in keys:
            cache.set(key, "v" * 100, timeout=None if spec.get("forever") else 600)
        for key in keys[: spec["read"]]:
            if cache.get(key) is None:
                raise SystemExit(f"{key} was not stored")
        raw[name] = [cache.make_key(k) for k in keys]
    json.dump({"rawKeys": raw}, sys.stdout)


if __name__ == "__main__":
    main()
