"""Sign in with Django: the short-lived signed assertion the companion hands the console.

Format (the console's lib/auth/django.ts reads it): base64url(JSON payload) "." base64url(HMAC-SHA256(secret, the
first part)), no padding. Payload: aud (the console URL), uid (the user's pk as text), username, role ("admin" or
"viewer"), iat and exp (seconds; exp - iat <= 60), nonce (random, single use on the console).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

MIN_SECRET_BYTES = 32
LIFETIME_SECONDS = 30
VIEW_PERMISSION = "cachescope_django.view_cache"
INVALIDATE_PERMISSION = "cachescope_django.invalidate_cache"


@dataclass(frozen=True)
class LoginSettings:
    secret: bytes
    console_url: str


def login_settings() -> LoginSettings:
    """CACHESCOPE["DJANGO_SECRET"] and ["CONSOLE_URL"], or ImproperlyConfigured saying what is wrong."""
    from django.conf import settings

    raw = getattr(settings, "CACHESCOPE", None) or {}
    secret = raw.get("DJANGO_SECRET") if isinstance(raw, dict) else None
    url = raw.get("CONSOLE_URL") if isinstance(raw, dict) else None
    if not isinstance(secret, str) or len(secret.strip().encode()) < MIN_SECRET_BYTES:
        got = "unset" if not isinstance(secret, str) else "%d bytes long" % len(secret.strip().encode())
        raise ImproperlyConfigured(
            'CACHESCOPE["DJANGO_SECRET"] is %s; Sign in with Django needs at least %d bytes, the same long random string '
            "as the console's CACHESCOPE_DJANGO_SECRET (e.g. `openssl rand -base64 48`)" % (got, MIN_SECRET_BYTES)
        )
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(
            'CACHESCOPE["CONSOLE_URL"] must be the console\'s address as people\'s browsers reach it, e.g. '
            '"https://cachescope.example" (got %r)' % (url,)
        )
    return LoginSettings(secret=secret.strip().encode(), console_url="%s://%s" % (parts.scheme, parts.netloc))


def role_of(user) -> str | None:
    """"admin" (view and invalidate), "viewer" (view only), or None: active staff only; superusers have both."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_staff:
        return None
    if user.has_perm(INVALIDATE_PERMISSION):
        return "admin"
    if user.has_perm(VIEW_PERMISSION):
        return "viewer"
    return None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def issue(user, role: str, config: LoginSettings, now: float | None = None) -> str:
    issued = int(time.time() if now is None else now)
    payload = {
        "aud": config.console_url + "/",
        "uid": str(user.pk),
        "username": user.get_username(),
        "role": role,
        "iat": issued,
        "exp": issued + LIFETIME_SECONDS,
        "nonce": secrets.token_urlsafe(18),
    }
    text = _b64(json.dumps(payload, separators=(",", ":")).encode())
    mac = hmac.new(config.secret, text.encode("ascii"), hashlib.sha256).digest()
    return "%s.%s" % (text, _b64(mac))
