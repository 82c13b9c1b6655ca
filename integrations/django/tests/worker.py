"""A Django process for the multi-process tests: python3 worker.py '<json spec>'.

spec: caches, cachescope (settings), ops ([alias, "get"|"set"|"delete", key]), rounds, flush_each_round,
start_at (unix time to wait for before the first round), sleep (seconds after the rounds), hard_exit (os._exit:
no atexit). Prints its pid.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

spec = json.loads(sys.argv[1])
settings.configure(SECRET_KEY="worker", INSTALLED_APPS=["cachescope_django"], CACHES=spec["caches"],
                   CACHESCOPE=spec["cachescope"], DATABASES={})
django.setup()

from django.core.cache import caches  # noqa: E402

from cachescope_django.runtime import runtime  # noqa: E402

print(os.getpid(), flush=True)
if spec.get("start_at"):
    time.sleep(max(0.0, spec["start_at"] - time.time()))
for _ in range(spec.get("rounds", 1)):
    for alias, method, key in spec["ops"]:
        cache = caches[alias]
        if method == "set":
            cache.set(key, 1)
        else:
            getattr(cache, method)(key)
    if spec.get("flush_each_round"):
        if runtime.flush() != 1:
            sys.exit(3)
time.sleep(spec.get("sleep", 0))
if spec.get("hard_exit"):
    os._exit(0)
