"""Writes and reads memcached entries with a real Django (Debian's python3-django 3.2) for the integration tests.

Usage: /usr/bin/python3 djmemcached.py <command> '<json args>'
Two aliases spread keys over every server given: "pymc" (PyMemcacheCache, KEY_PREFIX "pm") and "libmc"
(PyLibMCCache, KEY_PREFIX "lm"). Commands print one JSON document on stdout:
  write  {"servers": [...], "bulk": n}: the standard entries plus n small "bulk:i" keys per alias
         -> {"entries": [{"alias", "key", "rawKey", "kind"}], "bulk": [rawKey, ...], "bigLength": n}
  get    {"servers": [...], "alias": a, "key": k}: what Django itself reads -> {"hit": bool, "repr": repr(value)}
"""
import json
import sys

import django
from django.conf import settings

BIG_LENGTH = 1_048_000  # a value just under memcached's 1 MiB item limit (item header and key take the rest)


def configure(servers):
    settings.configure(
        DEBUG=False,
        SECRET_KEY="cachescope-tests",
        INSTALLED_APPS=[],
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
            "pymc": {
                "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
                "LOCATION": servers,
                "KEY_PREFIX": "pm",
            },
            "libmc": {
                "BACKEND": "django.core.cache.backends.memcached.PyLibMCCache",
                "LOCATION": servers,
                "KEY_PREFIX": "lm",
            },
        },
    )
    django.setup()


def write(args):
    from django.core.cache import caches
    from django.core.cache.utils import make_template_fragment_key
    from django.utils.safestring import mark_safe

    fragment_key = make_template_fragment_key("sidebar", ["42"])
    values = [
        ("dict", {"name": "Ada", "tags": ["x", "y"], "n": 3}, "key"),
        ("int", 42, "key"),
        ("bool", True, "key"),
        ("str", "hello memcached", "key"),
        ("café", "unicode key", "key"),
        (fragment_key, mark_safe("<ul><li>one</li></ul>"), "fragment"),
        ("big", b"x" * BIG_LENGTH, "key"),
    ]
    entries = []
    bulk = []
    for alias in ("pymc", "libmc"):
        cache = caches[alias]
        for key, value, kind in values:
            cache.set(key, value, timeout=None if key != "int" else 3600)
            if cache.get(key) is None:
                raise SystemExit(f"{alias}: {key} was not stored")
            entries.append({"alias": alias, "key": key, "rawKey": cache.make_key(key), "kind": kind})
        for i in range(args.get("bulk", 0)):
            cache.set(f"bulk:{i}", i * 10, timeout=600)
            bulk.append(cache.make_key(f"bulk:{i}"))
    return {"entries": entries, "bulk": bulk, "bigLength": BIG_LENGTH}


def get(args):
    from django.core.cache import caches

    sentinel = object()
    value = caches[args["alias"]].get(args["key"], sentinel)
    return {"hit": value is not sentinel, "repr": None if value is sentinel else repr(value)}


def main():
    command, raw = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "{}"
    args = json.loads(raw)
    configure(args["servers"])
    result = {"write": write, "get": get}[command](args)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
