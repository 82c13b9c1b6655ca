"""A real Django 3.2 with django-redis's ShardClient spreads keys over several Redis servers, for the integration tests.

Usage: /usr/bin/python3 djshard.py '{"servers": ["redis://127.0.0.1:P/0", ...], "count": n}'
Prints {"entries": [{"key", "rawKey"}]} for n keys "item:i" (dicts) set through cache.set.
"""
import json
import sys

import django
from django.conf import settings

args = json.loads(sys.argv[1])
settings.configure(
    INSTALLED_APPS=[],
    CACHES={
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": args["servers"],
            "KEY_PREFIX": "shard",
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.ShardClient"},
        }
    },
)
django.setup()

from django.core.cache import cache  # noqa: E402

keys = [f"item:{i}" for i in range(args["count"])]
for i, key in enumerate(keys):
    cache.set(key, {"i": i, "name": f"item {i}"}, 600)
print(json.dumps({"entries": [{"key": key, "rawKey": cache.make_key(key)} for key in keys]}))
