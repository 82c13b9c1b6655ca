"""A real Django 3.2 with django-redis's SentinelClient writes through Redis Sentinel, for the integration tests.

Usage: /usr/bin/python3 djsentinel.py '{"sentinel": port, "service": name}'
Prints {"entries": [{"key", "rawKey"}]} for a dict, an int and a str set through cache.set.
"""
import json
import sys

import django
from django.conf import settings

args = json.loads(sys.argv[1])
settings.configure(
    INSTALLED_APPS=[],
    # django-redis reads the connection factory from this global setting, not from OPTIONS.
    DJANGO_REDIS_CONNECTION_FACTORY="django_redis.pool.SentinelConnectionFactory",
    CACHES={
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://{args['service']}/0",
            "KEY_PREFIX": "sent",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.SentinelClient",
                "SENTINELS": [("127.0.0.1", args["sentinel"])],
            },
        }
    },
)
django.setup()

from django.core.cache import cache  # noqa: E402

values = {"profile": {"name": "Carol", "teams": ["ops"]}, "visits": 99, "motd": "through sentinel"}
for key, value in values.items():
    cache.set(key, value, 600)
print(json.dumps({"entries": [{"key": key, "rawKey": cache.make_key(key)} for key in values]}))
