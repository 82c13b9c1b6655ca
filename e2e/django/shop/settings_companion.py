"""The e2e site with the Cachescope companion installed, as e2e/companion.spec.ts serves it from two worker processes
(e2e/django/serve.py). The companion is not pip-installed: integrations/django is on PYTHONPATH.

The writer (write_cache.py) and ask.py keep the plain settings: only these workers count.
"""
import json
import os

from .settings import *  # noqa: F401,F403
from .settings import ALLOWED_HOSTS, INSTALLED_APPS, MIDDLEWARE

INSTALLED_APPS = INSTALLED_APPS + ["cachescope_django"]

# The spec gives the sinks (e2e/env.ts COMPANION_SINKS) so the console and the companion read one definition.
CACHESCOPE = {
    "FLUSH_INTERVAL": 1,
    "SINKS": json.loads(os.environ.get("CACHESCOPE_E2E_SINKS", "{}")),
}

ROOT_URLCONF = "shop.cs_urls"

# Sessions on whichever cache alias the /cs/<alias>/ path names (shop/cs_sessions.py), through Django's own middleware.
SESSION_ENGINE = "shop.cs_sessions"
MIDDLEWARE = ["shop.cs_sessions.SessionAliasMiddleware"] + MIDDLEWARE

# Both workers are reached under one host name, as behind a load balancer: cache_page keys hash the absolute URL.
ALLOWED_HOSTS = ALLOWED_HOSTS + ["shop.test"]
