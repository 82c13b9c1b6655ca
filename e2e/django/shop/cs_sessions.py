"""A cache session engine whose alias the request path chooses (/cs/<alias>/...), so one site can keep sessions on
Redis, memcached and FileBasedCache at once. Everything else is Django's cache session backend, unchanged."""
import contextvars

from django.conf import settings
from django.contrib.sessions.backends import cache
from django.core.cache import caches

session_alias = contextvars.ContextVar("cs_session_alias", default=None)


class SessionStore(cache.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = caches[session_alias.get() or settings.SESSION_CACHE_ALIAS]


class SessionAliasMiddleware:
    """Placed before SessionMiddleware: the alias holds for the whole request, the session's save included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        parts = request.path_info.split("/")
        alias = parts[2] if len(parts) > 3 and parts[1] == "cs" and parts[2] in settings.CACHES else None
        token = session_alias.set(alias)
        try:
            return self.get_response(request)
        finally:
            session_alias.reset(token)
