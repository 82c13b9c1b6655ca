"""Wrapping one cache backend instance so each logical call is counted once.

The wrappers are set on the instance (not the class): each alias's objects count into that alias's counters, and a
backend someone builds by hand stays untouched. Backends implement some methods with others (BaseCache.get_many calls
get, get_or_set calls get and add, incr calls get and set, the async methods run the sync ones in a thread): a
context variable marks "inside a counted call of this alias", and the inner calls pass straight through. A context
variable (not a thread local) because sync_to_async carries it into the worker thread.

Each counted call is also timed (two perf_counter_ns reads: a monotonic clock) into its namespace's histogram, and
what a miss costs to recompute is measured (docs/COUNTERS_FORMAT.md, "Timing"): a get_or_set's callable; the gap
between a get that missed and the set of the same key in the same thread; for cache_page, from the miss of a view's
header or page key to the set of its page key.
"""
from __future__ import annotations

import contextvars
import threading
import time
from typing import Callable

from .counters import (ADDS, BOUNDS_NS, DELETES, EDGE, GET_HIST, HIT_HIST, HITS, INCRS, LOW, MISS_HIST, MISSES,
                       OTHER_HIST, SET_HIST, SETS, TOUCHES, UNSAVING_HITS, Counters, bucket_index)
from .keys import HEADER_PREFIX, KIND_PAGE, KIND_VIEW, MEMO_KEY_LENGTH, MEMO_SIZE, PAGE_PREFIX

clock = time.perf_counter_ns
# Misses waiting for their set, per thread and alias: bounded (when full, forgotten: the cost is then unknown, not
# guessed), and a gap this long is not a recompute.
MAX_PENDING = 32
MAX_GAP_NS = 300 * 1_000_000_000

# Passed as the default to the real get(): whatever comes back that is not this object was found in the cache,
# None included.
MISSING = object()


class Frame:
    """The counted call in progress: which alias, and whether an inner call wrote (get_or_set had to set)."""

    __slots__ = ("state", "wrote")

    def __init__(self, state: object) -> None:
        self.state = state
        self.wrote = False


current_call: contextvars.ContextVar[Frame | None] = contextvars.ContextVar("cachescope_call", default=None)


class Pending(threading.local):
    """This thread's misses not yet followed by their set: token -> perf_counter_ns of the miss. A token is the key,
    or ("view", namespace) for cache_page's keys (the header key misses, the page key is set)."""

    def __init__(self) -> None:
        self.misses: dict = {}


class AliasState:
    __slots__ = ("alias", "counters", "classify", "store", "frame", "pending", "rows")

    def __init__(self, alias: str, counters: Counters, classify: Callable, store: object) -> None:
        self.alias = alias
        self.counters = counters
        self.classify = classify
        self.store = store
        self.frame = Frame(self)  # shared by the plain calls: their inner calls only need to know the alias
        self.pending = Pending()
        # key -> its namespace's row (rows live as long as the counters): one lookup on the hot path instead of the
        # classifier's memo and the table. Bounded like the memo; never a cache_page key (its row depends on the request).
        self.rows: dict = {}


def _is_view(kind: str, key: object) -> bool:
    return (kind is KIND_VIEW or kind is KIND_PAGE) and type(key) is str and key.startswith((PAGE_PREFIX, HEADER_PREFIX))


def _miss_token(key: object, name_kind: tuple):
    if _is_view(name_kind[1], key):
        return ("view", name_kind[0])
    return key if type(key) is str else None


def _remember_miss(pending: Pending, key: object, name_kind: tuple, at: int) -> None:
    token = _miss_token(key, name_kind)
    if token is None:
        return
    misses = pending.misses
    if len(misses) >= MAX_PENDING:
        misses.clear()
    misses[token] = at


def _recompute_cost(pending: Pending, key: object, name_kind: tuple, written_at: int) -> int:
    """The gap since this thread's miss of the key (-1: none). A header key's set is not the page's."""
    misses = pending.misses
    if not misses:
        return -1
    if _is_view(name_kind[1], key):
        if not key.startswith(PAGE_PREFIX):
            return -1
        token = ("view", name_kind[0])
    elif type(key) is str:
        token = key
    else:
        return -1
    missed_at = misses.pop(token, None)
    if missed_at is None:
        return -1
    gap = written_at - missed_at
    return gap if 0 <= gap <= MAX_GAP_NS else -1


# Set by the runtime: called once on the first count of a process (and again in a forked child) to start the flusher.
starter: Callable[[], None] | None = None


def _first_count() -> None:
    global starter
    start, starter = starter, None
    if start is not None:
        start()


def _tally(classify: Callable, keys, found) -> dict:
    """{(namespace, kind): [hits, misses]} for a get_many."""
    tally: dict = {}
    for key in keys:
        name_kind = classify(key)
        slot = tally.get(name_kind)
        if slot is None:
            slot = tally[name_kind] = [0, 0]
        slot[0 if key in found else 1] += 1
    return tally


def _group(classify: Callable, keys) -> dict:
    groups: dict = {}
    for key in keys:
        name_kind = classify(key)
        groups[name_kind] = groups.get(name_kind, 0) + 1
    return groups


def _counter_of_get(state: AliasState) -> Callable:
    """What a get does after the backend answered: count a hit or a miss, its latency, remember a miss."""
    counters, classify, pending, rows = state.counters, state.classify, state.pending, state.rows
    memo = classify.memo

    def count(key, missed: bool, started: int, ended: int) -> None:
        # Counters.observe and the classifier's memo inlined (each saves a call on every get).
        name_kind = memo.get(key) if type(key) is str else None
        if name_kind is None:
            name_kind = classify(key)
        if starter is not None:
            _first_count()
        slot = GET_HIST + bucket_index(BOUNDS_NS, ended - started)
        kind = name_kind[1]
        view = (kind is KIND_VIEW or kind is KIND_PAGE) and _is_view(kind, key)
        with counters.lock:
            row = counters.table.get(name_kind[0])
            if row is None:
                row = counters.new_row(*name_kind)
            row[MISSES if missed else HITS] += 1
            row[slot] += 1
            if view and not missed and key.startswith(HEADER_PREFIX):
                row[UNSAVING_HITS] += 1
        if not view and type(key) is str and len(key) <= MEMO_KEY_LENGTH:
            if len(rows) >= MEMO_SIZE:
                rows.clear()
            rows[key] = row
        if missed:
            _remember_miss(pending, key, name_kind, ended)

    return count


def _make_get(orig: Callable, state: AliasState) -> Callable:
    """Any backend's get: its inner calls (whatever they are) pass straight through."""
    own, count = state.frame, _counter_of_get(state)

    def get(key, default=None, *args, **kwargs):
        frame = current_call.get()
        if frame is not None and frame.state is state:
            return orig(key, default, *args, **kwargs)
        token = current_call.set(own)
        try:
            started = clock()
            value = orig(key, MISSING, *args, **kwargs)
            ended = clock()
        finally:
            current_call.reset(token)
        count(key, value is MISSING, started, ended)
        return default if value is MISSING else value

    return get


# Backends whose get makes no call the companion counts (it only reads its store) and takes (key, default, version)
# (django-redis: and client): their get skips marking the context and forwarding *args/**kwargs, a third of the cost.
LEAF_GETS = frozenset({
    ("django.core.cache.backends.locmem", "LocMemCache.get"),
    ("django.core.cache.backends.filebased", "FileBasedCache.get"),
    ("django.core.cache.backends.dummy", "DummyCache.get"),
    ("django.core.cache.backends.memcached", "BaseMemcachedCache.get"),
    ("django.core.cache.backends.redis", "RedisCache.get"),
    ("django_redis.cache", "RedisCache.get"),
})
NO_CLIENT = object()


def is_leaf_get(backend: object) -> bool:
    function = getattr(type(backend), "get", None)
    return (getattr(function, "__module__", None), getattr(function, "__qualname__", None)) in LEAF_GETS


def _make_leaf_get(orig: Callable, state: AliasState) -> Callable:
    # The hottest path of all: what _counter_of_get does, inlined for a memoized key; keys to classify go to it.
    # Memoized keys are never cache_page's (those depend on the request): no header hit, no view token. The key's row
    # and the lock are fetched before the backend's call, while they are warm; after a network round trip the CPU's
    # caches are cold and every object touched costs, so that part is one increment and a search-free bucket index.
    count = _counter_of_get(state)
    counters, pending, rows = state.counters, state.pending, state.rows

    def get(key, default=None, version=None, client=NO_CLIENT):
        frame = current_call.get()
        if frame is not None and frame.state is state:
            return orig(key, default, version) if client is NO_CLIENT else orig(key, default, version, client)
        row = rows.get(key) if type(key) is str else None
        lock = counters.lock  # each time: a forked child gets a new one
        started = clock()
        value = orig(key, MISSING, version) if client is NO_CLIENT else orig(key, MISSING, version, client)
        elapsed = clock() - started
        if row is None or starter is not None:
            count(key, value is MISSING, started, started + elapsed)
            return default if value is MISSING else value
        bits = elapsed.bit_length()
        if value is MISSING:
            slot = MISS_HIST + LOW[bits] + (elapsed > EDGE[bits])
            misses = pending.misses
            if len(misses) >= MAX_PENDING:
                misses.clear()
            misses[key] = started + elapsed
            with lock:
                row[slot] += 1
            return default
        slot = HIT_HIST + LOW[bits] + (elapsed > EDGE[bits])
        with lock:
            row[slot] += 1
        return value

    return get


def _make_aget(orig: Callable, state: AliasState) -> Callable:
    counters, classify, own = state.counters, state.classify, state.frame

    async def aget(key, default=None, *args, **kwargs):
        frame = current_call.get()
        if frame is not None and frame.state is state:
            return await orig(key, default, *args, **kwargs)
        token = current_call.set(own)
        try:
            started = clock()
            value = await orig(key, MISSING, *args, **kwargs)
            ended = clock()
        finally:
            current_call.reset(token)
        name, kind = classify(key)
        if starter is not None:
            _first_count()
        # Timed, but no miss is remembered: tasks sharing a thread would pair one task's miss with another's set.
        slot = GET_HIST + bucket_index(BOUNDS_NS, ended - started)
        if value is MISSING:
            counters.observe(name, kind, MISSES, slot)
            return default
        counters.observe(name, kind, HITS, slot)
        return value

    return aget


def _count_get_many(state: AliasState, keys, found, elapsed: int) -> None:
    if starter is not None:
        _first_count()
    slot = OTHER_HIST + bucket_index(BOUNDS_NS, elapsed)
    for (name, kind), (hits, misses) in _tally(state.classify, keys, found).items():
        state.counters.add_hits_misses(name, kind, hits, misses, slot)


def _make_get_many(orig: Callable, state: AliasState, is_async: bool) -> Callable:
    own = state.frame

    def get_many(keys, *args, **kwargs):
        frame = current_call.get()
        if frame is not None and frame.state is state:
            return orig(keys, *args, **kwargs)
        keys = list(keys)  # it may be a generator: the backend and the tally both walk it
        token = current_call.set(own)
        try:
            started = clock()
            found = orig(keys, *args, **kwargs)
            ended = clock()
        finally:
            current_call.reset(token)
        _count_get_many(state, keys, found, ended - started)
        return found

    async def aget_many(keys, *args, **kwargs):
        frame = current_call.get()
        if frame is not None and frame.state is state:
            return await orig(keys, *args, **kwargs)
        keys = list(keys)
        token = current_call.set(own)
        try:
            started = clock()
            found = await orig(keys, *args, **kwargs)
            ended = clock()
        finally:
            current_call.reset(token)
        _count_get_many(state, keys, found, ended - started)
        return found

    return aget_many if is_async else get_many


def _count_get_or_set(state: AliasState, key, frame: Frame, produced: list, started: int, ended: int) -> None:
    if starter is not None:
        _first_count()
    name, kind = state.classify(key)
    if produced:
        # The callable ran: before it the read, after it the write, the callable itself the recompute.
        called, returned = produced
        state.counters.get_or_set(name, kind, True, called - started, ended - returned, returned - called)
    else:
        state.counters.get_or_set(name, kind, frame.wrote, ended - started)


def _watch(default, produced: list):
    """A callable default is called only on a miss: a second sign of one, for backends whose get_or_set does not
    go through their own add/set; and when it ran and for how long."""
    if not callable(default):
        return default

    def produce():
        produced.append(clock())
        value = default()
        produced.append(clock())
        return value

    return produce


def _make_get_or_set(orig: Callable, state: AliasState, is_async: bool) -> Callable:
    def get_or_set(key, default, *args, **kwargs):
        frame = current_call.get()
        if frame is not None and frame.state is state:
            return orig(key, default, *args, **kwargs)
        frame, produced = Frame(state), []
        token = current_call.set(frame)
        try:
            started = clock()
            value = orig(key, _watch(default, produced), *args, **kwargs)
            ended = clock()
        finally:
            current_call.reset(token)
        _count_get_or_set(state, key, frame, produced, started, ended)
        return value

    async def aget_or_set(key, default, *args, **kwargs):
        frame = current_call.get()
        if frame is not None and frame.state is state:
            return await orig(key, default, *args, **kwargs)
        frame, produced = Frame(state), []
        token = current_call.set(frame)
        try:
            started = clock()
            value = await orig(key, _watch(default, produced), *args, **kwargs)
            ended = clock()
        finally:
            current_call.reset(token)
        _count_get_or_set(state, key, frame, produced, started, ended)
        return value

    return aget_or_set if is_async else get_or_set


def _make_write(orig: Callable, state: AliasState, index: int, is_async: bool) -> Callable:
    """set, add, delete, touch, incr, decr: one count per call, under the key's namespace; a set or add that follows
    this thread's miss of the key measures the recompute between them."""
    counters, classify, own, pending = state.counters, state.classify, state.frame, state.pending
    marks_write = index in (SETS, ADDS)
    histogram = SET_HIST if marks_write else OTHER_HIST

    def write(key, *args, **kwargs):
        frame = current_call.get()
        if frame is not None and frame.state is state:
            if marks_write:
                frame.wrote = True
            return orig(key, *args, **kwargs)
        token = current_call.set(own)
        try:
            started = clock()
            result = orig(key, *args, **kwargs)
            ended = clock()
        finally:
            current_call.reset(token)
        if starter is not None:
            _first_count()
        name_kind = classify(key)
        cost = _recompute_cost(pending, key, name_kind, started) if marks_write else -1
        counters.observe(name_kind[0], name_kind[1], index, histogram + bucket_index(BOUNDS_NS, ended - started), cost)
        return result

    async def awrite(key, *args, **kwargs):
        frame = current_call.get()
        if frame is not None and frame.state is state:
            if marks_write:
                frame.wrote = True
            return await orig(key, *args, **kwargs)
        token = current_call.set(own)
        try:
            started = clock()
            result = await orig(key, *args, **kwargs)
            ended = clock()
        finally:
            current_call.reset(token)
        if starter is not None:
            _first_count()
        name, kind = classify(key)
        counters.observe(name, kind, index, histogram + bucket_index(BOUNDS_NS, ended - started))
        return result

    return awrite if is_async else write


def _count_many(state: AliasState, keys, index: int, elapsed: int) -> None:
    if starter is not None:
        _first_count()
    slot = OTHER_HIST + bucket_index(BOUNDS_NS, elapsed)
    for (name, kind), n in _group(state.classify, keys).items():
        state.counters.add(name, kind, index, n, slot)


def _make_write_many(orig: Callable, state: AliasState, index: int, is_async: bool) -> Callable:
    """set_many (a dict: one set per key), delete_many (keys: one delete per key)."""
    own = state.frame
    marks_write = index == SETS

    def write_many(data, *args, **kwargs):
        frame = current_call.get()
        if frame is not None and frame.state is state:
            if marks_write:
                frame.wrote = True
            return orig(data, *args, **kwargs)
        keys = list(data)  # a dict's keys, or delete_many's iterable (maybe a generator)
        token = current_call.set(own)
        try:
            started = clock()
            result = orig(data if marks_write else keys, *args, **kwargs)
            ended = clock()
        finally:
            current_call.reset(token)
        _count_many(state, keys, index, ended - started)
        return result

    async def awrite_many(data, *args, **kwargs):
        frame = current_call.get()
        if frame is not None and frame.state is state:
            if marks_write:
                frame.wrote = True
            return await orig(data, *args, **kwargs)
        keys = list(data)
        token = current_call.set(own)
        try:
            started = clock()
            result = await orig(data if marks_write else keys, *args, **kwargs)
            ended = clock()
        finally:
            current_call.reset(token)
        _count_many(state, keys, index, ended - started)
        return result

    return awrite_many if is_async else write_many


def _make_uncounted(orig: Callable, state: AliasState, is_async: bool) -> Callable:
    """has_key, incr_version, decr_version: not counted, and neither are the calls they make."""
    own = state.frame

    def uncounted(*args, **kwargs):
        token = current_call.set(own)
        try:
            return orig(*args, **kwargs)
        finally:
            current_call.reset(token)

    async def auncounted(*args, **kwargs):
        token = current_call.set(own)
        try:
            return await orig(*args, **kwargs)
        finally:
            current_call.reset(token)

    return auncounted if is_async else uncounted


def _factories() -> dict:
    single = {"set": SETS, "add": ADDS, "delete": DELETES, "touch": TOUCHES, "incr": INCRS, "decr": INCRS}
    table: dict = {
        "get": lambda orig, state: _make_get(orig, state),
        "aget": lambda orig, state: _make_aget(orig, state),
    }
    for is_async, prefix in ((False, ""), (True, "a")):
        table[prefix + "get_many"] = lambda orig, state, a=is_async: _make_get_many(orig, state, a)
        table[prefix + "get_or_set"] = lambda orig, state, a=is_async: _make_get_or_set(orig, state, a)
        for name, index in single.items():
            table[prefix + name] = lambda orig, state, i=index, a=is_async: _make_write(orig, state, i, a)
        table[prefix + "set_many"] = lambda orig, state, a=is_async: _make_write_many(orig, state, SETS, a)
        table[prefix + "delete_many"] = lambda orig, state, a=is_async: _make_write_many(orig, state, DELETES, a)
        for name in ("has_key", "incr_version", "decr_version"):
            table[prefix + name] = lambda orig, state, a=is_async: _make_uncounted(orig, state, a)
    return table


FACTORIES = _factories()
MARK = "_cachescope_state"


def instrument(backend: object, state: AliasState) -> bool:
    """Wrap the backend's methods in place. False when it cannot be (then it is left exactly as it was)."""
    if getattr(backend, MARK, None) is not None:
        return True
    wrapped = {}
    for name, factory in FACTORIES.items():
        orig = getattr(backend, name, None)
        if callable(orig):
            wrapped[name] = factory(orig, state)
    if "get" in wrapped and is_leaf_get(backend):
        wrapped["get"] = _make_leaf_get(backend.get, state)
    try:
        for name, wrapper in wrapped.items():
            setattr(backend, name, wrapper)
        setattr(backend, MARK, state)
    except (AttributeError, TypeError):
        for name in wrapped:
            backend.__dict__.pop(name, None)
        return False
    return True
