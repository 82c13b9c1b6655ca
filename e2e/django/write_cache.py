"""Fill the e2e Redis with real Django + DRF cache data and write a manifest of what was stored.

Run with Debian's interpreter (Django 3.2, django-redis 5.2, DRF 3.14):
    /usr/bin/python3 e2e/django/write_cache.py --manifest .run/e2e-manifest.json

The e2e Redis belongs to the test suite (caches.json points at its own port), so every alias's database is
emptied first: each run starts from the same known state. Pages, fragments and the session are written by
requests through Django's test Client (no HTTP server), the rest by the low-level cache API, as an app would.
"""
import argparse
import datetime
import json
from decimal import Decimal
from pathlib import Path

import bootstrap  # noqa: F401  (configures Django before the imports below)
from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_redis import get_redis_connection  # noqa: E402

from pyvalue import describe  # noqa: E402

HOST = "testserver"


REDIS_ALIASES = [alias for alias in settings.CACHES if "redis" in settings.CACHES[alias]["BACKEND"].lower()]


def raw_keys(alias):
    return set(get_redis_connection(alias).scan_iter(count=1000))


class Recorder:
    """Notes which raw keys each step created, so the manifest can say where every key came from."""

    def __init__(self):
        self.origin = {}

    def step(self, alias, action, source, url=None, fragment=None, note=None):
        before = raw_keys(alias)
        action()
        for raw in raw_keys(alias) - before:
            info = {"source": source}
            kind = kind_of(split_raw(raw.decode("utf-8"), caches[alias].key_prefix)[1])
            if url and kind in ("page", "page_header"):
                info["url"] = url
            if fragment and kind == "fragment":
                info["fragment"] = fragment
            if note:
                info["note"] = note
            self.origin[(alias, raw)] = info


def split_raw(raw, key_prefix):
    """(version, key) of a raw key under the alias's default key layout "{prefix}:{version}:{key}"."""
    rest = raw[len(key_prefix) + 1 :]
    version, key = rest.split(":", 1)
    return int(version), key


def kind_of(key):
    for start, kind in (
        ("views.decorators.cache.cache_page.", "page"),
        ("views.decorators.cache.cache_header.", "page_header"),
        ("template.cache.", "fragment"),
        ("django.contrib.sessions.cache", "session"),
    ):
        if key.startswith(start):
            return kind
    return "key"


def write_low_level(rec):
    default = caches["default"]
    berlin = timezone.get_current_timezone()
    values = {
        "user:42:profile": (
            {
                "name": "Alice Müller",
                "email": "alice@example.com",
                "tags": ["admin", "beta"],
                "joined": datetime.date(2021, 5, 17),
                "score": 98.5,
                "active": True,
                "manager": None,
            },
            3600,
        ),
        "stats:last_run": (datetime.datetime(2024, 3, 1, 12, 30, 15, 250000, tzinfo=datetime.timezone.utc), None),
        "stats:local_run": (berlin.localize(datetime.datetime(2024, 7, 14, 9, 5)), None),
        "price:sku-1001": (Decimal("19.99"), 3600),
        "catalog:all_ids": (list(range(5000)), 3600),
        "counter:visits": (1234, None),
        "flag:maintenance": (False, None),
        "greeting:grüße": ("Grüß Gott, 世界", 600),
        "big:negative": (-(2**70), None),
        # Literal-prefix traps: a prefix search for "report[2024]*" must find the first two and none of the decoys,
        # which a glob built from that prefix without escaping would also match.
        "report[2024]*:q1": ({"quarter": 1, "total": Decimal("1500.00")}, None),
        "report[2024]*:q2": ({"quarter": 2, "total": Decimal("1750.50")}, None),
        "report2*:q1": ("decoy: report2*", None),
        "report2024:q1": ("decoy: report2024", None),
        "report0:q1": ("decoy: report0", None),
        # Keys differing only by a trailing number: one series in the size analysis.
        "widget1": ("w" * 100, 600),
        "widget2": ("w" * 200, 600),
        "widget3": ("w" * 300, 600),
    }
    for key, (value, timeout) in values.items():
        rec.step("default", lambda: default.set(key, value, timeout), source="cache.set")

    compressed = caches["compressed"]
    rows = [{"id": i, "name": f"row {i}", "price": Decimal(i) / 4, "tags": ["x"] * (i % 5)} for i in range(2000)]
    rec.step("compressed", lambda: compressed.set("report:big", {"rows": rows, "count": len(rows)}, None),
             source="cache.set", note="zlib-compressed by django-redis")
    # Pickled, it is 4 bytes: under the compressor's min_length, so stored uncompressed in the same alias.
    rec.step("compressed", lambda: compressed.set("flag:small", True, None), source="cache.set",
             note="below min_length: not compressed")
    rec.step("compressed", lambda: compressed.set("counter:hits", 77, None), source="cache.set")

    versioned = caches["versioned"]
    rec.step("versioned", lambda: versioned.set("cart:7", {"items": [("sku-1", 2), ("sku-9", 1)], "total": Decimal("42.00")}, 1800),
             source="cache.set")
    rec.step("versioned", lambda: versioned.set("menu", ["home", "shop", "about"], None), source="cache.set")
    rec.step("versioned", lambda: versioned.set("legacy:banner", "old banner", None, version=2), source="cache.set",
             note="left at version 2")

    def bump():
        versioned.set("promo", "spring sale", None, version=2)
        versioned.incr_version("promo", version=2)

    rec.step("versioned", bump, source="incr_version", note="moved from version 2 to 3")


def write_through_views(rec):
    call_command("migrate", run_syncdb=True, verbosity=0)
    User.objects.create_user("alice", "alice@example.com", "wonderland")

    anonymous = Client()
    for page in (1, 2):
        url = f"/api/products/?page={page}"
        rec.step("default", lambda: anonymous.get(url), source=f"GET {url}", url=f"http://{HOST}{url}")
    rec.step("default", lambda: anonymous.get("/"), source="GET / (anonymous)", url=f"http://{HOST}/",
             fragment={"name": "sidebar", "varyOn": ["AnonymousUser"]})

    alice = Client()
    rec.step("default", lambda: alice.login(username="alice", password="wonderland"), source="login")
    rec.step("default", lambda: alice.get("/"), source="GET / (alice)", url=f"http://{HOST}/",
             fragment={"name": "sidebar", "varyOn": ["alice"]})


# Values for the memcached and FileBasedCache aliases, written with the low-level API: (key, value, timeout).
OTHER_VALUES = {
    "pages_mc": [
        ("user:7:profile", {"name": "Bob", "roles": ["editor"], "since": datetime.date(2022, 1, 3)}, 600),
        ("menu:main", ["home", "shop", "about"], None),
        ("counter:mc", 4711, None),
        ("flag:mc", True, None),
        ("report:chunk:0", "chunk zero " * 20, 600),
        ("report:chunk:1", "chunk one " * 20, 600),
        ("report:chunk:2", "chunk two " * 20, 600),
    ],
    "files": [
        ("user:42:profile", {"name": "Alice Müller", "score": Decimal("98.50")}, 3600),
        ("stats:last_run", datetime.datetime(2024, 3, 1, 12, 30, 15, tzinfo=datetime.timezone.utc), None),
        ("greeting", "Grüß Gott", 600),
        # Timeout 0 is "expire now" in Django: the file stays on disk, expired, until something reads the key.
        ("stale:report", {"old": True}, 0),
    ],
}


def write_other():
    """The memcached and FileBasedCache aliases: both belong to the suite (its own server and folder), so clear() is safe."""
    entries = []
    for alias, values in OTHER_VALUES.items():
        cache = caches[alias]
        cache.clear()
        for key, value, timeout in values:
            cache.set(key, value, timeout)
            entries.append({
                "alias": alias,
                "key": key,
                "version": cache.version,
                "raw": cache.make_key(key),
                "kind": "key",
                "ttl": timeout,
                "expired": timeout == 0,
                "repr": repr(value)[:300],
                **describe(value),
                "source": "cache.set",
            })
    return entries


def manifest_entries(rec):
    entries = []
    for alias in REDIS_ALIASES:
        cache = caches[alias]
        for raw_bytes in sorted(raw_keys(alias)):
            raw = raw_bytes.decode("utf-8")
            version, key = split_raw(raw, cache.key_prefix)
            value = cache.get(key, version=version)
            entry = {
                "alias": alias,
                "key": key,
                "version": version,
                "raw": raw,
                "kind": kind_of(key),
                "ttl": cache.ttl(key, version=version),
                "repr": repr(value)[:300],
                **describe(value),
                **rec.origin.get((alias, raw_bytes), {}),
            }
            entries.append(entry)
    return entries


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", required=True, help="where to write the JSON manifest")
    args = parser.parse_args()

    for alias in REDIS_ALIASES:
        get_redis_connection(alias).flushdb()
    rec = Recorder()
    write_low_level(rec)
    write_through_views(rec)

    entries = manifest_entries(rec) + write_other()
    manifest = {"caches": settings.CACHES, "host": HOST, "entries": entries}
    Path(args.manifest).parent.mkdir(parents=True, exist_ok=True)
    Path(args.manifest).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"django writer: {len(entries)} entries in {', '.join(settings.CACHES)} -> {args.manifest}")


if __name__ == "__main__":
    main()
