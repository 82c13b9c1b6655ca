"""A real Django 3.2 with django-redis on Redis Cluster, for the integration and e2e tests.

Django's RedisCache does not speak cluster; teams use django-redis with a connection factory that returns
redis-py's redis.cluster.RedisCluster (django-redis issue #606 and its workarounds). That is what this does, through
Django's own cache_page, {% cache %} fragments, cache sessions and the low-level API, with django-redis's pickle
serializer, raw and through its zlib compressor.

Usage: /usr/bin/python3 djcluster.py '{"seed": "redis://127.0.0.1:P/0", "items": n}'
Prints {"entries": [{"alias", "kind", "key", "rawKey", "version", "url"?, "fragment"?}]}: every raw key written.
"""
import json
import sys

import django
from django.conf import settings
from django_redis.pool import ConnectionFactory
from redis.cluster import RedisCluster

args = json.loads(sys.argv[1])


class ClusterConnectionFactory(ConnectionFactory):
    """django-redis issue #606: one RedisCluster client per LOCATION instead of a Redis on a connection pool."""

    def connect(self, url):
        return RedisCluster.from_url(url)


def alias(prefix, extra=None):
    options = {"CLIENT_CLASS": "django_redis.client.DefaultClient"}
    options.update(extra or {})
    return {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": args["seed"], "KEY_PREFIX": prefix, "OPTIONS": options}


settings.configure(
    DEBUG=False,
    SECRET_KEY="cluster-test",
    ALLOWED_HOSTS=["testserver"],
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "django.contrib.sessions"],
    ROOT_URLCONF=__name__,
    USE_I18N=True,
    USE_TZ=True,
    TIME_ZONE="UTC",
    DJANGO_REDIS_CONNECTION_FACTORY=f"{__name__}.ClusterConnectionFactory",
    CACHES={
        "default": alias("site"),
        "zipped": alias("zip", {"COMPRESSOR": "django_redis.compressors.zlib.ZlibCompressor"}),
    },
    SESSION_ENGINE="django.contrib.sessions.backends.cache",
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": False}],
    MIDDLEWARE=[],
)
django.setup()

from django.contrib.sessions.backends.cache import SessionStore  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template import Context, Template  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.cache import cache_page  # noqa: E402


@cache_page(600)
def product(request, n):
    return HttpResponse(f"<h1>product {n}</h1>")


urlpatterns = [path("products/<int:n>/", product)]

default = caches["default"]
written = []


def note(alias_name, kind, key, version=1, **extra):
    raw = caches[alias_name].make_key(key, version=version)
    written.append({"alias": alias_name, "kind": kind, "key": key, "rawKey": raw, "version": version, **extra})


def new_keys(before):
    client = default.client.get_client()
    return {k.decode() for k in client.scan_iter(match="site:*", count=1000, target_nodes=RedisCluster.PRIMARIES)} - before


def scan_site():
    return new_keys(set())


client = Client()
for n in range(args.get("pages", 3)):
    url = f"/products/{n}/"
    before = scan_site()
    client.get(url)
    for raw in new_keys(before):
        key = raw.split(":", 2)[2]
        kind = "page_header" if key.startswith("views.decorators.cache.cache_header.") else "page"
        written.append({"alias": "default", "kind": kind, "key": key, "rawKey": raw, "version": 1, "url": url})

before = scan_site()
Template("{% load cache %}{% cache 600 sidebar 'en' %}<aside>sidebar</aside>{% endcache %}").render(Context({}))
for raw in new_keys(before):
    written.append({"alias": "default", "kind": "fragment", "key": raw.split(":", 2)[2], "rawKey": raw, "version": 1, "fragment": "sidebar"})

session = SessionStore()
session["cart"] = [1, 2, 3]
session.create()
session.save()
note("default", "session", f"django.contrib.sessions.cache{session.session_key}")

for i in range(args.get("items", 50)):
    default.set(f"item:{i}", {"i": i, "name": f"item {i}"}, 600)
    note("default", "key", f"item:{i}")
# Two versions of the same keys: a purge of old versions keeps version 2.
for i in range(5):
    default.set(f"price:{i}", i * 10, 600, version=1)
    default.set(f"price:{i}", i * 11, 600, version=2)
    note("default", "key", f"price:{i}", version=1)
    note("default", "key", f"price:{i}", version=2)
# Glob characters in keys: a purge of "item:" must not read them as patterns, a purge of "g*" takes only "g*" keys.
for key in ("item*", "item?x", "item[1]", "g*x", "g?x", "g[x]", "g\\x", "gx"):
    default.set(key, key, 600)
    note("default", "key", key)
for i in range(args.get("zipped", 10)):
    caches["zipped"].set(f"blob:{i}", "x" * 2000 + str(i), 600)
    note("zipped", "key", f"blob:{i}")

print(json.dumps({"entries": written}))
