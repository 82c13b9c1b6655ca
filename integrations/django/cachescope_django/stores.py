"""Where an alias's records go (docs/COUNTERS_FORMAT.md, "Where records go"), and the writers for each place.

Writers use raw clients, never the cache backends' own methods: the companion's writes are not counted and never pass
through KEY_PREFIX / VERSION / KEY_FUNCTION. Writers run only in the flusher (serialized), never on the request path.
"""
from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from typing import Callable

KEY_PREFIX = "__cachescope__:1:"
BUCKET_SECONDS = 10
TTL_SECONDS = 10800
FILE_DIR = ".cachescope"
FILE_SUFFIX = ".jsonl"
CLEANUP_EVERY = 60.0
MEMCACHED_TIMEOUT = 2.0

DJANGO_REDIS = "django_redis.cache.RedisCache"
DJANGO_BUILTIN_REDIS = "django.core.cache.backends.redis.RedisCache"
PYLIBMC = "django.core.cache.backends.memcached.PyLibMCCache"
ANY_MEMCACHED = "django.core.cache.backends.memcached.BaseMemcachedCache"
FILEBASED = "django.core.cache.backends.filebased.FileBasedCache"

_memcached_key_bad = re.compile(r"[\x00-\x20\x7f-\U0010ffff]")


def bucket_of(at: float) -> int:
    return int(at // BUCKET_SECONDS) * BUCKET_SECONDS


def counter_key(alias: str, bucket: int) -> str:
    return "%s%s:%d" % (KEY_PREFIX, alias, bucket)


class Store:
    """One place records are appended to. write() raises when the record was not stored."""

    description = ""

    def write(self, alias: str, bucket: int, data: bytes) -> None:
        raise NotImplementedError

    def reset_after_fork(self) -> None:
        """Drop connections a forked child shares with its parent."""

    def close(self) -> None:
        """Settings changed: this store is no longer used."""

    def name_problem(self, alias: str) -> str | None:
        """Why this store cannot hold counters under this alias name, if it cannot."""
        return None


class RedisStore(Store):
    """APPEND + EXPIRE in one MULTI/EXEC on the alias's own (first, write) server and db."""

    def __init__(self, store_alias: str, flavor: str, create_backend: Callable[[str], object]) -> None:
        self.store_alias = store_alias
        self.flavor = flavor
        self._create_backend = create_backend
        self._backend: object | None = None
        self.description = "Redis of alias %r" % store_alias

    def _client(self):  # -> redis.Redis
        if self._backend is None:
            self._backend = self._create_backend(self.store_alias)
        backend = self._backend
        if self.flavor == DJANGO_REDIS:
            client = backend.client
            serverdict = getattr(client, "_serverdict", None)
            if serverdict is not None:  # ShardClient: the first LOCATION, as the console reads it
                return serverdict[client._server[0]]
            return client.get_client(write=True)
        return backend._cache.get_client(None, write=True)

    def write(self, alias: str, bucket: int, data: bytes) -> None:
        key = counter_key(alias, bucket)
        pipe = self._client().pipeline(transaction=True)
        pipe.append(key, data)
        pipe.expire(key, TTL_SECONDS)
        pipe.execute()

    def reset_after_fork(self) -> None:
        self._backend = None  # redis-py pools notice the new pid themselves; a fresh backend keeps it simple


class MemcachedStore(Store):
    """add empty + append on the alias's FIRST server, through a direct client for that server alone."""

    def __init__(self, store_alias: str, server: str, library: str, options: dict) -> None:
        self.server = server
        self.library = library
        self.options = options
        self._client_obj = None
        self.description = "memcached %s of alias %r" % (server, store_alias)

    def name_problem(self, alias: str) -> str | None:
        key = counter_key(alias, 0)
        if _memcached_key_bad.search(alias) or len(key.encode()) > 250:
            return "the alias name cannot be part of a memcached key (spaces, control or non-ASCII characters)"
        return None

    def _client(self):
        if self._client_obj is None:
            if self.library == "pylibmc":
                import pylibmc

                server = self.server[5:] if self.server.startswith("unix:") else self.server
                # The same OPTIONS Django gives pylibmc (binary, SASL username/password, behaviors).
                self._client_obj = pylibmc.Client([server], **self.options)
            else:
                from pymemcache.client.base import Client, normalize_server_spec

                kwargs = {k: self.options[k] for k in ("tls_context", "socket_keepalive") if k in self.options}
                self._client_obj = Client(
                    normalize_server_spec(self.server),
                    connect_timeout=self.options.get("connect_timeout", MEMCACHED_TIMEOUT),
                    timeout=self.options.get("timeout", MEMCACHED_TIMEOUT),
                    no_delay=True,
                    default_noreply=False,
                    **kwargs,
                )
        return self._client_obj

    def write(self, alias: str, bucket: int, data: bytes) -> None:
        key = counter_key(alias, bucket)
        try:
            client = self._client()
            if self.library == "pylibmc":
                client.add(key, b"", time=TTL_SECONDS)
                stored = client.append(key, data) or client.add(key, data, time=TTL_SECONDS) or client.append(key, data)
            else:
                client.add(key, b"", expire=TTL_SECONDS, noreply=False)
                # The entry may be evicted between add and append: then add the record itself.
                stored = (
                    client.append(key, data, noreply=False)
                    or client.add(key, data, expire=TTL_SECONDS, noreply=False)
                    or client.append(key, data, noreply=False)
                )
        except Exception:
            self.close()
            raise
        if not stored:
            raise OSError("memcached %s did not store %s (bucket over its item size limit?)" % (self.server, key))

    def close(self) -> None:
        client, self._client_obj = self._client_obj, None
        if client is not None and hasattr(client, "close"):
            try:
                client.close()
            except Exception:
                pass

    def reset_after_fork(self) -> None:
        self._client_obj = None  # the parent's socket is not ours to close


class FileStore(Store):
    """<base>/<alias>/<bucket>.jsonl, opened O_APPEND, one os.write per record; buckets past the TTL removed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.description = "directory %s" % base
        self._cleaned: dict[str, float] = {}

    def name_problem(self, alias: str) -> str | None:
        if alias in ("", ".", "..") or "/" in alias or "\0" in alias or (os.sep != "/" and os.sep in alias):
            return "the alias name cannot be a directory name"
        return None

    def write(self, alias: str, bucket: int, data: bytes) -> None:
        directory = os.path.join(self.base, alias)
        os.makedirs(directory, 0o700, exist_ok=True)
        fd = os.open(os.path.join(directory, "%d%s" % (bucket, FILE_SUFFIX)), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            written = os.write(fd, data)
            if written != len(data):
                # Keep the next record on a line of its own; this one is unreadable and is kept for the next flush.
                os.write(fd, b"\n")
                raise OSError("short write to %s (%d of %d bytes)" % (directory, written, len(data)))
        finally:
            os.close(fd)
        self._cleanup(directory, bucket)

    def _cleanup(self, directory: str, bucket: int) -> None:
        now = time.monotonic()
        if now - self._cleaned.get(directory, -CLEANUP_EVERY) < CLEANUP_EVERY:
            return
        self._cleaned[directory] = now
        for name in os.listdir(directory):
            stem = name[: -len(FILE_SUFFIX)] if name.endswith(FILE_SUFFIX) else ""
            if stem.isdigit() and int(stem) <= bucket - TTL_SECONDS:
                try:
                    os.unlink(os.path.join(directory, name))
                except FileNotFoundError:  # another process removed it first
                    pass


@dataclass
class Plan:
    alias: str
    store: Store | None
    problem: str | None = None


def _class_names(backend_path: str) -> set[str]:
    from django.utils.module_loading import import_string

    cls = import_string(backend_path)
    return {"%s.%s" % (c.__module__, c.__qualname__) for c in cls.__mro__}


def _memcached_library(names: set[str]) -> str | None:
    preferred = ["pylibmc", "pymemcache"] if PYLIBMC in names else ["pymemcache", "pylibmc"]
    for library in preferred:
        try:
            __import__(library)
        except ImportError:
            continue
        return library
    return None


def _own_store(alias: str, params: dict, create_backend: Callable[[str], object]) -> tuple[Store | None, str]:
    """The store an alias's own backend offers, or (None, why not)."""
    backend_path = params.get("BACKEND", "")
    try:
        names = _class_names(backend_path)
    except Exception as error:
        return None, "its BACKEND %r cannot be imported (%s)" % (backend_path, error)
    if DJANGO_REDIS in names:
        return RedisStore(alias, DJANGO_REDIS, create_backend), ""
    if DJANGO_BUILTIN_REDIS in names:
        return RedisStore(alias, DJANGO_BUILTIN_REDIS, create_backend), ""
    location = params.get("LOCATION", "")
    if ANY_MEMCACHED in names:
        servers = re.split("[;,]", location) if isinstance(location, str) else list(location)
        library = _memcached_library(names)
        if not servers or not servers[0]:
            return None, "it has no memcached server in LOCATION"
        if library is None:
            return None, "neither pymemcache nor pylibmc can be imported to write its counters"
        # The backend's OPTIONS fit the client library it was written for, and only that one.
        options = dict(params.get("OPTIONS") or {}) if (library == "pylibmc") == (PYLIBMC in names) else {}
        return MemcachedStore(alias, servers[0].strip(), library, options), ""
    if FILEBASED in names:
        if not isinstance(location, str) or not location:
            return None, "it has no LOCATION directory"
        return FileStore(os.path.join(os.path.abspath(location), FILE_DIR)), ""
    short = backend_path.rsplit(".", 1)[-1]
    return None, "%s cannot hold counters" % short


def plan_alias(alias: str, caches_settings: dict, sinks: dict, create_backend: Callable[[str], object]) -> Plan:
    target = sinks.get(alias)
    if target is None:
        store, why = _own_store(alias, caches_settings[alias], create_backend)
        if store is None:
            return Plan(alias, None, "cache %r: %s and CACHESCOPE['SINKS'] names no sink for it (another alias or an "
                                     "absolute directory): its calls are not counted" % (alias, why))
    elif target in caches_settings:
        store, why = _own_store(target, caches_settings[target], create_backend)
        if store is None:
            return Plan(alias, None, "cache %r: its sink, alias %r, cannot take counters: %s" % (alias, target, why))
    else:
        store = FileStore(target)
    problem = store.name_problem(alias)
    if problem is not None:
        return Plan(alias, None, "cache %r: %s (%s): its calls are not counted" % (alias, problem, store.description))
    return Plan(alias, store)
