"""Writes a DatabaseCache table with a real Django (Debian's python3-django 3.2, psycopg2, mysqlclient) for the tests.

Usage: /usr/bin/python3 djdb.py <command> <DATABASES entry as JSON> <table> [json args]
Commands print one JSON document on stdout:
  createtable  manage.py createcachetable for the table            -> {"ok": true}
  write        the standard entries: plain values, cache_page (two URLs), a fragment, a session, an expired row,
               two versions of one key, LIKE decoys ("%", "_", "\\" in keys)   -> {"entries": [{"key", "rawKey", "timeout", "version"}]}
  seed         {"keys": [...]}: each key stored exactly as given (a KEY_FUNCTION that adds nothing) -> {"ok": true}
  set          {"key", "value", "timeout", "version"?}: cache.set as the app would -> {"ok": true}
  get          {"key", "version"?}: what Django itself reads -> {"hit": bool, "repr": repr(value)}
"""
import json
import sys
from datetime import datetime, timezone
from decimal import Decimal

import django
from django.conf import settings


def raw_key(key, key_prefix, version):
    return key


def configure(entry, table, options):
    settings.configure(
        DEBUG=False,
        SECRET_KEY="cachescope-tests",
        ALLOWED_HOSTS=["testserver"],
        ROOT_URLCONF=__name__,
        USE_TZ=True,
        USE_I18N=True,
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "django.contrib.sessions"],
        DATABASES={"default": entry},
        SESSION_ENGINE="django.contrib.sessions.backends.cache",
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": table, "OPTIONS": options},
            "raw": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": table,
                "KEY_FUNCTION": __name__ + ".raw_key",
                "OPTIONS": {"MAX_ENTRIES": 10**9},
            },
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


def recording(cache):
    written = []
    original_set = cache.set

    def record(key, value, timeout=None, version=None, **kw):
        reported = timeout if timeout is None or isinstance(timeout, (int, float)) else cache.default_timeout
        written.append({"key": key, "rawKey": cache.make_key(key, version), "timeout": reported, "version": version or cache.version})
        return original_set(key, value, timeout, version, **kw)

    cache.set = record
    return written


def cmd_createtable(args):
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)
    return {"ok": True}


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
    cache.set("gone", "expired on write", -1)  # already expired: Django writes it, and it stays until culled or read
    cache.set("shared", "version one", 600, version=1)
    cache.set("shared", "version two", 600, version=2)
    cache.set("like%all", "percent", 600)
    cache.set("likeXall", "decoy for %", 600)
    cache.set("like_one", "underscore", 600)
    cache.set("likeZone", "decoy for _", 600)
    cache.set("back\\slash", "backslash", 600)
    cache.set("back\\\\slash", "decoy for \\", 600)
    client = Client()
    client.get("/products/", HTTP_ACCEPT_LANGUAGE="en")
    client.get("/api/items/")
    Template("{% load cache %}{% cache 600 sidebar user %}<ul><li>Home</li></ul>{% endcache %}").render(Context({"user": "ada"}))
    session = SessionStore()
    session["_auth_user_id"] = "42"
    session["cart"] = [1, 2, 3]
    session.set_expiry(3600)
    session.save()
    return {"entries": written}


def cmd_seed(args):
    from django.core.cache import caches

    for key in args["keys"]:
        caches["raw"].set(key, "v", None)
    return {"ok": True}


def cmd_set(args):
    from django.core.cache import cache

    cache.set(args["key"], args["value"], args.get("timeout"), version=args.get("version"))
    return {"ok": True}


def cmd_get(args):
    from django.core.cache import cache

    sentinel = object()
    value = cache.get(args["key"], sentinel, version=args.get("version"))
    return {"hit": value is not sentinel, "repr": None if value is sentinel else repr(value)[:2000]}


urlpatterns = []


def main():
    command, entry, table = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
    args = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
    configure(entry, table, args.pop("options", {}) if isinstance(args, dict) else {})
    global urlpatterns
    urlpatterns = _urls()
    out = globals()["cmd_" + command.replace("-", "_")](args)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
