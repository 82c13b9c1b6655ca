"""Generates lib/demo/demo-entries.json: the demo's cache entries, written once by a real Django.

Run (Debian 12: python3-django 3.2, python3-djangorestframework):
    /usr/bin/python3 lib/demo/generate_demo.py > lib/demo/demo-entries.json

A small shop site runs against a FileBasedCache in a temporary directory: DRF API views and an HTML page under
cache_page, {% cache %} template fragments, the cache session backend, and plain cache.set() values. Every file
Django wrote is read back and stored as (key, file name, ttl, the file's value part = zlib(pickle(value))). The
expiry pickle at the head of each file is not stored: ensureDemoData() writes a fresh one (now + ttl), so the demo
looks alive whenever it starts. Entries whose ttl is negative are written already expired.

One entry is large (~400 KB of incompressible bytes, a cached image): storing it would bloat the fixture, so the
fixture keeps only its pickle framing and a seed; ensureDemoData() regenerates the bytes (xorshift32, below) and
compresses them. This script checks that framing + bytes is exactly what pickle.dumps() gives, and writes the entry
through Django once to prove the layout.
"""
import base64
import hashlib
import json
import os
import pickle
import shutil
import sys
import tempfile
import zlib
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import django
from django.conf import settings

CACHE_DIR = tempfile.mkdtemp(prefix="cachescope-demo-")
LARGE_KEY = "media:thumbnail:hero-1600w.webp"
LARGE_LENGTH = 400_000
LARGE_SEED = 0x2545F491

# Keys (after KEY_PREFIX:VERSION) written with these ttl overrides are stored as already expired.
EXPIRED = {}


def configure():
    settings.configure(
        DEBUG=False,
        SECRET_KEY="cachescope-demo",
        ALLOWED_HOSTS=["shop.example.com"],
        ROOT_URLCONF=__name__,
        USE_TZ=True,
        TIME_ZONE="UTC",
        USE_I18N=True,
        LANGUAGE_CODE="en-us",
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "django.contrib.sessions",
            "rest_framework",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        SESSION_ENGINE="django.contrib.sessions.backends.cache",
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
        REST_FRAMEWORK={"DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]},
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": CACHE_DIR,
            }
        },
    )
    django.setup()


PRODUCTS = [
    {"id": i, "name": name, "price": price, "in_stock": i % 3 != 0}
    for i, (name, price) in enumerate(
        [("Espresso cup", "12.50"), ("Pour-over kettle", "49.00"), ("Burr grinder", "129.00"), ("Scale", "34.90"),
         ("Filter papers (100)", "6.20"), ("Travel mug", "24.00")],
        start=1,
    )
]


def product_list(request):
    from rest_framework.response import Response

    page = int(request.GET.get("page", "1"))
    items = PRODUCTS[(page - 1) * 3: page * 3]
    return Response({"count": len(PRODUCTS), "page": page, "results": items})


def product_detail(request, pk):
    from rest_framework.response import Response

    return Response(PRODUCTS[pk - 1])


def home(request):
    from django.http import HttpResponse

    response = HttpResponse(
        "<!doctype html><html><head><title>Bean &amp; Burr</title></head><body><h1>Bean &amp; Burr</h1>"
        "<p>Coffee gear, roasted fresh.</p><ul>"
        + "".join("<li>%s - $%s</li>" % (p["name"], p["price"]) for p in PRODUCTS)
        + "</ul></body></html>"
    )
    response["Vary"] = "Accept-Encoding"
    return response


def _urls():
    from django.urls import path
    from django.views.decorators.cache import cache_page
    from rest_framework.decorators import api_view

    return [
        path("", cache_page(300)(home)),
        path("api/products/", cache_page(120)(api_view(["GET"])(product_list))),
        path("api/products/<int:pk>/", cache_page(600)(api_view(["GET"])(product_detail))),
    ]


urlpatterns = []


def recording(cache):
    written = []
    original_set = cache.set

    def record(key, value, timeout=None, version=None, **kw):
        reported = timeout if timeout is None or isinstance(timeout, (int, float)) else cache.default_timeout
        written.append({"rawKey": cache.make_key(key, version), "ttl": reported})
        return original_set(key, value, timeout, version, **kw)

    cache.set = record
    return written


def xorshift32(seed, length):
    """The large entry's bytes; lib/demo/large.ts computes the same sequence."""
    out = bytearray(length)
    x = seed
    for i in range(length):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out[i] = x & 0xFF
    return bytes(out)


def run_site():
    from django.contrib.sessions.backends.cache import SessionStore
    from django.core.cache import cache
    from django.template import Context, Template
    from django.test import Client

    written = recording(cache)
    client = Client(HTTP_HOST="shop.example.com")
    client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    client.get("/api/products/?page=1")
    client.get("/api/products/?page=2")
    client.get("/api/products/2/")
    client.get("/api/products/5/")
    expired_page = len(written)
    client.get("/api/products/6/")
    for entry in written[expired_page:]:
        EXPIRED[entry["rawKey"]] = -240

    sidebar = Template(
        "{% load cache %}{% cache 900 sidebar username %}<nav class=\"sidebar\"><a href=\"/\">Home</a>"
        "<a href=\"/orders/\">Orders of {{ username }}</a></nav>{% endcache %}"
    )
    for username in ["ada", "grace"]:
        sidebar.render(Context({"username": username}))
    Template(
        "{% load cache %}{% cache 3600 footer %}<footer>&copy; 2026 Bean &amp; Burr &middot; "
        "<a href=\"/about/\">About</a></footer>{% endcache %}"
    ).render(Context({}))
    card = Template(
        "{% load cache %}{% cache 600 product_card product.id %}<div class=\"card\"><h3>{{ product.name }}</h3>"
        "<span>${{ product.price }}</span></div>{% endcache %}"
    )
    for product in PRODUCTS[:4]:
        card.render(Context({"product": product}))

    def session(data, expiry, expired=False):
        store = SessionStore()
        for k, v in data.items():
            store[k] = v
        store.set_expiry(expiry)
        store.save()
        if expired:
            EXPIRED[cache.make_key(store.cache_key)] = -600

    session({"_auth_user_id": "1", "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
             "_auth_user_hash": hashlib.sha256(b"ada").hexdigest(), "cart": [2, 5]}, 1209600)
    session({"_auth_user_id": "7", "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
             "_auth_user_hash": hashlib.sha256(b"grace").hexdigest(), "theme": "dark"}, 3600)
    session({"cart": [1], "visited": ["/", "/api/products/"]}, 1800)
    session({"_auth_user_id": "3", "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
             "_auth_user_hash": hashlib.sha256(b"linus").hexdigest()}, 3600, expired=True)

    utc = timezone.utc
    cache.set("user:1:profile", {"id": 1, "username": "ada", "email": "ada@example.com", "is_staff": True,
                                 "joined": datetime(2024, 3, 14, 9, 26, 53, tzinfo=utc)}, 3600)
    cache.set("user:7:profile", {"id": 7, "username": "grace", "email": "grace@example.com", "is_staff": False,
                                 "joined": datetime(2025, 12, 9, 18, 0, tzinfo=utc)}, 3600)
    cache.set("rates:EUR", {"USD": Decimal("1.0842"), "GBP": Decimal("0.8571"), "JPY": Decimal("162.31")}, 900)
    cache.set("catalog:bestsellers", [3, 2, 6, 1], 1800)
    cache.set("catalog:last_sync", datetime(2026, 11, 25, 12, 0, tzinfo=utc), None)
    cache.set("feature_flags", {"new_checkout": True, "gift_cards": False, "beta_search": {"percent": 25}}, None)
    cache.set("stats:orders_today", 42, 300)
    cache.set("stats:revenue_today", Decimal("3187.40"), 300)
    cache.set("search:coffee grinder", {"query": "coffee grinder", "hits": [3, 5], "took": timedelta(milliseconds=38)},
              120)
    cache.set("ratelimit:api:203.0.113.9", 17, 60)
    cache.set("site:banner", "Free shipping over $50 this week", 86400)
    cache.set("catalog:old_prices", {"3": Decimal("139.00")}, 60)
    EXPIRED[cache.make_key("catalog:old_prices")] = -3600
    cache.set("report:weekly", {"week": "2026-W47", "orders": 311, "refunds": 4}, 60)
    EXPIRED[cache.make_key("report:weekly")] = -30
    return cache, written


def value_part(cache_dir, name):
    with open(os.path.join(cache_dir, name), "rb") as f:
        pickle.load(f)  # the expiry
        return f.read()


def large_entry(cache):
    data = xorshift32(LARGE_SEED, LARGE_LENGTH)
    dumped = pickle.dumps(data, pickle.HIGHEST_PROTOCOL)
    start = dumped.index(data)
    head, tail = dumped[:start], dumped[start + len(data):]
    assert head + data + tail == dumped
    cache.set(LARGE_KEY, data, 86400)
    raw = cache.make_key(LARGE_KEY)
    name = hashlib.md5(raw.encode()).hexdigest()
    part = value_part(CACHE_DIR, name + ".djcache")
    assert pickle.loads(zlib.decompress(part)) == data
    return {
        "key": raw,
        "file": name,
        "ttl": 86400,
        "length": LARGE_LENGTH,
        "seed": LARGE_SEED,
        "pickleHead": base64.b64encode(head).decode(),
        "pickleTail": base64.b64encode(tail).decode(),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def main():
    global urlpatterns
    configure()
    urlpatterns = _urls()
    cache, written = run_site()
    entries = []
    seen = set()
    for w in written:
        raw = w["rawKey"]
        if raw in seen:
            continue
        seen.add(raw)
        name = hashlib.md5(raw.encode()).hexdigest()
        part = value_part(CACHE_DIR, name + ".djcache")
        pickle.loads(zlib.decompress(part))  # every entry reads back
        entries.append({"key": raw, "file": name, "ttl": EXPIRED.get(raw, w["ttl"]),
                        "value": base64.b64encode(part).decode()})
    large = large_entry(cache)
    json.dump({
        "generatedBy": "lib/demo/generate_demo.py",
        "django": django.get_version(),
        "python": sys.version.split()[0],
        "entries": entries,
        "large": large,
    }, sys.stdout, indent=1)
    sys.stdout.write("\n")
    shutil.rmtree(CACHE_DIR)


if __name__ == "__main__":
    main()
