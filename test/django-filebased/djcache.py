"""Writes a FileBasedCache directory with a real Django (Debian's python3-django 3.2) for the integration tests.

Usage: /usr/bin/python3 djcache.py <command> <cache dir> [json args]
Commands print one JSON document on stdout:
  write        the standard entries (plain values, cache_page, fragment, session, an already expired one)
               -> {"entries": [{"key", "rawKey", "file", "timeout", "kind"}]}
  touch-shrink set a key with a timeout, then touch(key, None): the file keeps trailing bytes of the old stream
               -> {"key", "rawKey", "file"}
  cull         {"maxEntries": m, "count": n}: write n keys through a cache with MAX_ENTRIES m
               -> {"files": number of .djcache files afterwards}
  set          {"key": k, "value": v, "timeout": t}: cache.set as the app would -> {"ok": true}
  get          {"key": k}: what Django itself reads -> {"hit": bool, "repr": repr(value), at most 2000 chars}
  bulk         {"count": n}: n entries through cache.set (values of varied shape and size, timeouts None or 1 day)
               with culling switched off: _cull globs the whole directory on every set, O(n^2) for a big fill
               -> {"files": n}
  list         {"repeat": r}: Django's own loop (_list_cache_files + _is_expired on each file), timed inside Python
               -> {"files", "expired", "seconds", "cpuSeconds" (each the best of r)}
"""
import hashlib
import json
import sys
import time
from datetime import datetime, timezone
from decimal import Decimal

import django
from django.conf import settings


def configure(cache_dir, options):
    settings.configure(
        DEBUG=False,
        SECRET_KEY="cachescope-tests",
        ALLOWED_HOSTS=["testserver"],
        ROOT_URLCONF=__name__,
        USE_TZ=True,
        USE_I18N=True,
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "django.contrib.sessions"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        SESSION_ENGINE="django.contrib.sessions.backends.cache",
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": cache_dir,
                "OPTIONS": options,
            }
        },
    )
    django.setup()


def html_page(request):
    from django.http import HttpResponse

    response = HttpResponse("<html><head><title>Products</title></head><body><h1>Products</h1></body></html>")
    response["Vary"] = "Accept-Encoding"
    return response


def json_page(request):
    from django.http import JsonResponse

    return JsonResponse({"results": [{"id": 1, "name": "Widget"}], "count": 1})


def _urls():
    from django.urls import path
    from django.views.decorators.cache import cache_page

    return [path("products/", cache_page(600)(html_page)), path("api/items/", cache_page(300)(json_page))]


def file_of(raw_key):
    return hashlib.md5(raw_key.encode()).hexdigest()


def recording(cache):
    """Notes every key Django writes (cache_page, fragments and sessions build their own keys)."""
    written = []
    original_set = cache.set

    def record(key, value, timeout=None, version=None, **kw):
        # DEFAULT_TIMEOUT is an object(): report the alias default instead.
        reported = timeout if timeout is None or isinstance(timeout, (int, float)) else cache.default_timeout
        written.append({"key": key, "rawKey": cache.make_key(key, version), "timeout": reported})
        return original_set(key, value, timeout, version, **kw)

    cache.set = record
    return written


def kind_of(key):
    if key.startswith("views.decorators.cache.cache_page."):
        return "page"
    if key.startswith("views.decorators.cache.cache_header."):
        return "page_header"
    if key.startswith("template.cache."):
        return "fragment"
    if key.startswith("django.contrib.sessions.cache"):
        return "session"
    return "key"


def cmd_write(args):
    from django.contrib.sessions.backends.cache import SessionStore
    from django.core.cache import cache
    from django.template import Context, Template
    from django.test import Client

    written = recording(cache)
    cache.set("user:42:profile", {"name": "Ada", "tags": ["admin", "ops"], "active": True}, 600)
    cache.set("greeting", "hello world", None)
    cache.set("counter", 7, 3600)
    cache.set("last_run", datetime(2026, 5, 6, 7, 8, 9, tzinfo=timezone.utc), 600)
    cache.set("price", Decimal("19.99"), 600)
    cache.set("gone", "expired on write", 0)  # Django writes expiry = now - 1: already expired
    client = Client()
    client.get("/products/", HTTP_ACCEPT_LANGUAGE="en")
    client.get("/api/items/")
    Template("{% load cache %}{% cache 600 sidebar user %}<ul><li>Home</li></ul>{% endcache %}").render(
        Context({"user": "ada"})
    )
    session = SessionStore()
    session["_auth_user_id"] = "42"
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["cart"] = [1, 2, 3]
    session.set_expiry(3600)
    session.save()
    for entry in written:
        entry["file"] = file_of(entry["rawKey"])
        entry["kind"] = kind_of(entry["key"])
    return {"entries": written}


def cmd_touch_shrink(args):
    from django.core.cache import cache

    cache.set("touched", list(range(50)), 600)
    cache.touch("touched", None)
    raw = cache.make_key("touched")
    return {"key": "touched", "rawKey": raw, "file": file_of(raw)}


def cmd_cull(args):
    from django.core.cache import cache

    for i in range(args["count"]):
        cache.set("cull:%d" % i, {"n": i}, 600)
    return {"files": len(cache._list_cache_files())}


def cmd_bulk(args):
    from django.core.cache import cache

    cache._cull = lambda: None
    for i in range(args["count"]):
        value = {"id": i, "name": "item %d" % i, "tags": ["t%d" % (i % 7)] * (i % 5), "blob": "x" * (i % 300)}
        cache.set("bulk:%d" % i, value, None if i % 4 == 0 else 86400)
    return {"files": len(cache._list_cache_files())}


def cmd_seed(args):
    """Sets each key (KEY_PREFIX "", version 1) and answers the file Django wrote it to."""
    from django.core.cache import cache

    for key in args["keys"]:
        cache.set(key, "v", None)
    return {"files": [file_of(cache.make_key(key)) for key in args["keys"]]}


def cmd_get(args):
    from django.core.cache import cache

    sentinel = object()
    value = cache.get(args["key"], sentinel)
    # repr cut short: a large value would flood the pipe.
    return {"hit": value is not sentinel, "repr": None if value is sentinel else repr(value)[:2000]}


def cmd_set(args):
    from django.core.cache import cache

    cache.set(args["key"], args["value"], args.get("timeout"))
    return {"ok": True}


def cmd_list(args):
    from django.core.cache import cache

    best = best_cpu = None
    files = expired = 0
    for _ in range(args.get("repeat", 3)):
        start, start_cpu = time.perf_counter(), time.process_time()
        files = expired = 0
        for fname in cache._list_cache_files():
            with open(fname, "rb") as f:
                files += 1
                if cache._is_expired(f):
                    expired += 1
        elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        best = elapsed if best is None else min(best, elapsed)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    return {"files": files, "expired": expired, "seconds": best, "cpuSeconds": best_cpu}


COMMANDS = {"write": cmd_write, "touch-shrink": cmd_touch_shrink, "cull": cmd_cull, "bulk": cmd_bulk, "seed": cmd_seed, "get": cmd_get, "set": cmd_set, "list": cmd_list}

urlpatterns = []

if __name__ == "__main__":
    command, cache_dir = sys.argv[1], sys.argv[2]
    args = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    configure(cache_dir, args.get("options", {}))
    urlpatterns = _urls()
    print(json.dumps(COMMANDS[command](args)))
