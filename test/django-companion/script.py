"""A Django process with the real companion (integrations/django, not installed: put on sys.path) making a scripted
sequence of cache calls on every alias given, then exiting (the companion flushes at exit).

python3 script.py '{"caches": {...}, "sinks": {...}}'  — prints the calls it made, as JSON, per alias and namespace.
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "integrations", "django"))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

spec = json.loads(sys.argv[1])
settings.configure(
    SECRET_KEY="companion-test",
    INSTALLED_APPS=["cachescope_django"],
    CACHES=spec["caches"],
    CACHESCOPE={"SINKS": spec.get("sinks", {}), "FLUSH_INTERVAL": 60},
    DATABASES={},
)
django.setup()

from django.core.cache import caches  # noqa: E402
from django.core.cache.utils import make_template_fragment_key  # noqa: E402

pid = os.getpid()
for alias in spec["caches"]:
    cache = caches[alias]
    fragment = make_template_fragment_key("sidebar", [pid])
    cache.set("user:%d" % pid, {"name": "x"})  # user: 1 set
    cache.get("user:%d" % pid)  # user: hit (a miss on DummyCache)
    cache.get("user:missing:%d" % pid)  # user: miss
    cache.get_many(["user:%d" % pid, "user:gone:%d" % pid])  # user: hit + miss (2 misses on DummyCache)
    cache.delete("user:%d" % pid)  # user: 1 delete
    cache.set("cached-none:%d" % pid, None)  # cached-none: a set
    cache.get("cached-none:%d" % pid)  # cached-none: a cached None is a hit (a miss on DummyCache)
    cache.get_or_set("report:%d" % pid, 42)  # report: miss + set (DummyCache: the same)
    cache.get(fragment)  # fragment:sidebar: miss
    cache.set(fragment, "<aside>")  # fragment:sidebar: set
    cache.get(fragment)  # fragment:sidebar: hit (a miss on DummyCache)
    cache.get("django.contrib.sessions.cache%d" % pid)  # session: miss
    cache.add("lock:%d" % pid, 1)  # lock: add
    cache.touch("lock:%d" % pid, 30)  # lock: touch

print(json.dumps({"pid": pid}))
