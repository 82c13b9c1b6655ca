"""A real Django 3.2 (Debian's, with pylibmc) on SASL-authenticated memcached servers, for the integration tests.

Usage: /usr/bin/python3 djsasl.py <command> '<json args>'   args: {"servers": [...], "username", "password", ...}
  write  -> {"entries": [{"key", "rawKey"}]}: a dict, an int, a str and a bool through cache.set
  get    {"key": k} -> {"hit": bool}: what Django itself reads
"""
import json
import sys

import django
from django.conf import settings


def configure(args):
    settings.configure(
        INSTALLED_APPS=[],
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.memcached.PyLibMCCache",
                "LOCATION": args["servers"],
                "KEY_PREFIX": "sasl",
                # pylibmc logs in with SASL over the binary protocol when given these.
                "OPTIONS": {"binary": True, "username": args["username"], "password": args["password"]},
            }
        },
    )
    django.setup()


def write(args):
    from django.core.cache import cache

    values = {"profile": {"name": "Bob", "roles": ["editor"]}, "visits": 4711, "motd": "hello", "flag": True}
    for key, value in values.items():
        cache.set(key, value, 600)
    return {"entries": [{"key": key, "rawKey": cache.make_key(key)} for key in values]}


def get(args):
    from django.core.cache import cache

    sentinel = object()
    return {"hit": cache.get(args["key"], sentinel) is not sentinel}


if __name__ == "__main__":
    command, args = sys.argv[1], json.loads(sys.argv[2])
    configure(args)
    print(json.dumps({"write": write, "get": get}[command](args)))
