"""The companion's e2e site for lib/namespaces/timing.int.test.ts: the companion's settings, with the CACHES the test
gives (CACHESCOPE_TIMING_CACHES, JSON: its own server on its own port) instead of the shared e2e servers'."""
import json
import os

from .settings_companion import *  # noqa: F401,F403

CACHES = json.loads(os.environ["CACHESCOPE_TIMING_CACHES"])
