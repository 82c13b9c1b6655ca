"""Settings of the real Django + DRF site whose cache data the e2e tests inspect.

CACHES comes from caches.json beside this package: the same file gives Cachescope its CACHESCOPE_CACHES in
playwright.config.ts, so the console and Django always look at the same aliases.
"""
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

with open(HERE.parent / "caches.json", encoding="utf-8") as f:
    CACHES = json.load(f)

SECRET_KEY = "cachescope-e2e-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "rest_framework",
    "shop",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

ROOT_URLCONF = "shop.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ],
        },
    }
]

# Users only exist for the length of one writer run: the data that matters is in Redis.
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

SESSION_ENGINE = "django.contrib.sessions.backends.cache"

USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Berlin"
LANGUAGE_CODE = "en-us"

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # No authentication: the API pages must not touch the session, so they vary on Accept only.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
}
