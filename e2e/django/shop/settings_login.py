"""The e2e site as e2e/django-login.spec.ts serves it: Django's own login pages and the companion's Sign in with Django
(cachescope_django.urls), users in a sqlite file the spec makes with login_users.py. Secret and console URL come from
the spec's environment, as an operator's settings would read them."""
import os

from .settings import *  # noqa: F401,F403
from .settings import INSTALLED_APPS

INSTALLED_APPS = INSTALLED_APPS + ["cachescope_django"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["CACHESCOPE_E2E_LOGIN_DB"]}}
# Logins survive across the two worker restarts a spec might do, and need no cache server.
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
ROOT_URLCONF = "shop.login_urls"
CACHESCOPE = {
    "ENABLED": False,
    "DJANGO_SECRET": os.environ["CACHESCOPE_E2E_DJANGO_SECRET"],
    "CONSOLE_URL": os.environ["CACHESCOPE_E2E_CONSOLE_URL"],
}
