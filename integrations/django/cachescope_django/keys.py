"""Which namespace a cache key counts under (docs/COUNTERS_FORMAT.md, "Namespaces").

Keys are seen as the application passed them, before KEY_PREFIX / VERSION / KEY_FUNCTION.
"""
from __future__ import annotations

import contextvars
import functools
import re

PAGE_PREFIX = "views.decorators.cache.cache_page."
HEADER_PREFIX = "views.decorators.cache.cache_header."
FRAGMENT_PREFIX = "template.cache."
SESSION_PREFIX = "django.contrib.sessions.cache"  # also matches "...sessions.cached_db"
SPECIAL_PREFIXES = (PAGE_PREFIX, HEADER_PREFIX, FRAGMENT_PREFIX, SESSION_PREFIX)

KIND_VIEW = "view"
KIND_PAGE = "page"
KIND_FRAGMENT = "fragment"
KIND_SESSION = "session"
KIND_KEY = "key"
KIND_OTHER = "other"

OTHER = "(other)"
# The reader cuts longer names; cutting here keeps two long names from meeting only in the console.
MAX_NAME_LENGTH = 200

RESOLVE_CACHE_SIZE = 1024


class RequestContext:
    """The request a thread (or task) is serving, its view resolved lazily, once."""

    __slots__ = ("path", "view")

    def __init__(self, path: str) -> None:
        self.path = path
        self.view: str | None = None


current_request: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "cachescope_request", default=None
)


@functools.lru_cache(maxsize=RESOLVE_CACHE_SIZE)
def _resolve(urlconf: str | None, path: str) -> str:
    from django.urls import Resolver404, get_resolver

    try:
        match = get_resolver(urlconf).resolve(path)
    except Resolver404:
        return ""
    # view_name is the route name with its namespaces ("api:product-list"), else the view's dotted path.
    return match.view_name or ""


def clear_resolve_cache() -> None:
    _resolve.cache_clear()


def view_of_current_request() -> str:
    """The served view's name, or "" outside a request or for a path that resolves to nothing."""
    request = current_request.get()
    if request is None:
        return ""
    if request.view is None:
        try:
            from django.urls import get_urlconf

            request.view = _resolve(get_urlconf(), request.path)
        except Exception:  # a broken URLconf must not break a cache call
            request.view = ""
    return request.view


def _segments_pattern(depth: int) -> "re.Pattern[str]":
    # Always matches (possibly empty): up to DEPTH segments, with the separators between them kept.
    return re.compile(r"[^:.]*(?:[:.][^:.]*){0,%d}" % (depth - 1))


# Recently seen keys and their namespace: most calls repeat a key, and a dict lookup is cheaper than classifying.
# At most MEMO_SIZE keys of at most MEMO_KEY_LENGTH characters: ~1.5 MB at worst.
MEMO_SIZE = 4096
MEMO_KEY_LENGTH = 250


class Classifier:
    """key -> (namespace, kind). One per DEPTH setting."""

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self._match = _segments_pattern(depth).match
        self.memo: dict[str, tuple[str, str]] = {}

    def __call__(self, key: object) -> tuple[str, str]:
        if type(key) is not str:
            key = str(key)
        found = self.memo.get(key)
        if found is not None:
            return found
        if key.startswith(SPECIAL_PREFIXES):
            result = self._special(key)
            if result[1] == KIND_VIEW or result[1] == KIND_PAGE:
                return result  # depends on the request being served
        else:
            # The name is a prefix of the key cut to MAX_NAME_LENGTH: the rest of a long key need not be read.
            result = self._match(key[:MAX_NAME_LENGTH]).group(), KIND_KEY
        if len(key) <= MEMO_KEY_LENGTH:
            memo = self.memo
            if len(memo) >= MEMO_SIZE:
                memo.clear()  # bounded; high-cardinality keys just classify each time
            memo[key] = result
        return result

    def _special(self, key: str) -> tuple[str, str]:
        if key.startswith(FRAGMENT_PREFIX):
            # "template.cache.<name>.<md5>": the name may itself hold dots.
            name = key[len(FRAGMENT_PREFIX):].rpartition(".")[0] or key[len(FRAGMENT_PREFIX):]
            return ("fragment:" + name)[:MAX_NAME_LENGTH], KIND_FRAGMENT
        if key.startswith(SESSION_PREFIX):
            return "session", KIND_SESSION
        view = view_of_current_request()
        if view:
            return view[:MAX_NAME_LENGTH], KIND_VIEW
        return "page", KIND_PAGE
