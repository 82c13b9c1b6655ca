"""Wrapping one cache backend instance so each logical call is counted once.

The wrappers are set on the instance (not the class): each alias's objects count into that alias's counters, and a
backend someone builds by hand stays untouched. Backends implement some methods with others (BaseCache.get_many calls
get, get_or_set calls get and add, incr calls get and set, the async methods run the sync ones in a thread): a
context variable marks "inside a counted call of this alias", and the inner calls pass straight through. A context
variable (not a thread local) because sync_to_async carries it into the worker thread.
"""
from __future__ import annotations

import contextvars
from typing import Callable

from .counters import ADDS, DELETES, HITS, INCRS, MISSES, SETS, TOUCHES, Counters

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


class AliasState:
    __slots__ = ("alias", "counters", "classify", "store", "frame")

    def __init__(self, alias: str, counters: Counters, classify: Callable, store: object) -> None:
        self.alias = alias
        self.counters = counters
        self.classify = classify
        self.store = store
        self.frame = Frame(self)  # shared by the plain calls: their inner calls only need to know the alias


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


def _make_get(orig: Callable, state: AliasState) -> Callable:
    # The hot path: Counters.add and the classifier's memo inlined (each saves a call on every get).
    counters, classify, own = state.counters, state.classify, state.frame
    memo = classify.memo

    def get(key, default=None, *args, **kwargs):
        frame = current_call.get()
        if frame is not None and frame.state is state:
            return orig(key, default, *args, **kwargs)
        token = current_call.set(own)
        try:
            value = orig(key, MISSING, *args, **kwargs)
        finally:
            current_call.reset(token)
        name_kind = memo.get(key) if type(key) is str else None
        if name_kind is None:
            name_kind = classify(key)
        if starter is not None:
            _first_count()
        index = MISSES if value is MISSING else HITS
        with counters.lock:
            row = counters.table.get(name_kind[0])
            if row is None:
                row = counters.new_row(*name_kind)
            row[index] += 1
        return default if value is MISSING else value

    return get


def _make_aget(orig: Callable, state: AliasState) -> Callable:
    counters, classify, own = state.counters, state.classify, state.frame

    async def aget(key, default=None, *args, **kwargs):
        frame = current_call.get()
        if frame is not None and frame.state is state:
            return await orig(key, default, *args, **kwargs)
        token = current_call.set(own)
        try:
            value = await orig(key, MISSING, *args, **kwargs)
        finally:
            current_call.reset(token)
        name, kind = classify(key)
        if starter is not None:
            _first_count()
        if value is MISSING:
            counters.add(name, kind, MISSES)
            return default
        counters.add(name, kind, HITS)
        return value

    return aget


def _count_get_many(state: AliasState, keys, found) -> None:
    if starter is not None:
        _first_count()
    for (name, kind), (hits, misses) in _tally(state.classify, keys, found).items():
        state.counters.add_hits_misses(name, kind, hits, misses)


def _make_get_many(orig: Callable, state: AliasState, is_async: bool) -> Callable:
    own = state.frame

    def get_many(keys, *args, **kwargs):
        frame = current_call.get()
        if frame is not None and frame.state is state:
            return orig(keys, *args, **kwargs)
        keys = list(keys)  # it may be a generator: the backend and the tally both walk it
        token = current_call.set(own)
        try:
            found = orig(keys, *args, **kwargs)
        finally:
            current_call.reset(token)
        _count_get_many(state, keys, found)
        return found

    async def aget_many(keys, *args, **kwargs):
        frame = current_call.get()
        if frame is not None and frame.state is state:
            return await orig(keys, *args, **kwargs)
        keys = list(keys)
        token = current_call.set(own)
        try:
            found = await orig(keys, *args, **kwargs)
        finally:
            current_call.reset(token)
        _count_get_many(state, keys, found)
        return found

    return aget_many if is_async else get_many


def _count_get_or_set(state: AliasState, key, frame: Frame, produced: list) -> None:
    if starter is not None:
        _first_count()
    name, kind = state.classify(key)
    if frame.wrote or produced:
        state.counters.add(name, kind, MISSES)
        state.counters.add(name, kind, SETS)
    else:
        state.counters.add(name, kind, HITS)


def _watch(default, produced: list):
    """A callable default is called only on a miss: a second sign of one, for backends whose get_or_set does not
    go through their own add/set."""
    if not callable(default):
        return default

    def produce():
        produced.append(True)
        return default()

    return produce


def _make_get_or_set(orig: Callable, state: AliasState, is_async: bool) -> Callable:
    def get_or_set(key, default, *args, **kwargs):
        frame = current_call.get()
        if frame is not None and frame.state is state:
            return orig(key, default, *args, **kwargs)
        frame, produced = Frame(state), []
        token = current_call.set(frame)
        try:
            value = orig(key, _watch(default, produced), *args, **kwargs)
        finally:
            current_call.reset(token)
        _count_get_or_set(state, key, frame, produced)
        return value

    async def aget_or_set(key, default, *args, **kwargs):
        frame = current_call.get()
        if frame is not None and frame.state is state:
            return await orig(key, default, *args, **kwargs)
        frame, produced = Frame(state), []
        token = current_call.set(frame)
        try:
            value = await orig(key, _watch(default, produced), *args, **kwargs)
        finally:
            current_call.reset(token)
        _count_get_or_set(state, key, frame, produced)
        return value

    return aget_or_set if is_async else get_or_set


def _make_write(orig: Callable, state: AliasState, index: int, is_async: bool) -> Callable:
    """set, add, delete, touch, incr, decr: one count per call, under the key's namespace."""
    counters, classify, own = state.counters, state.classify, state.frame
    marks_write = index in (SETS, ADDS)

    def write(key, *args, **kwargs):
        frame = current_call.get()
        if frame is not None and frame.state is state:
            if marks_write:
                frame.wrote = True
            return orig(key, *args, **kwargs)
        token = current_call.set(own)
        try:
            result = orig(key, *args, **kwargs)
        finally:
            current_call.reset(token)
        if starter is not None:
            _first_count()
        name, kind = classify(key)
        counters.add(name, kind, index)
        return result

    async def awrite(key, *args, **kwargs):
        frame = current_call.get()
        if frame is not None and frame.state is state:
            if marks_write:
                frame.wrote = True
            return await orig(key, *args, **kwargs)
        token = current_call.set(own)
        try:
            result = await orig(key, *args, **kwargs)
        finally:
            current_call.reset(token)
        if starter is not None:
            _first_count()
        name, kind = classify(key)
        counters.add(name, kind, index)
        return result

    return awrite if is_async else write


def _count_many(state: AliasState, keys, index: int) -> None:
    if starter is not None:
        _first_count()
    for (name, kind), n in _group(state.classify, keys).items():
        state.counters.add(name, kind, index, n)


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
            result = orig(data if marks_write else keys, *args, **kwargs)
        finally:
            current_call.reset(token)
        _count_many(state, keys, index)
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
            result = await orig(data if marks_write else keys, *args, **kwargs)
        finally:
            current_call.reset(token)
        _count_many(state, keys, index)
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
    try:
        for name, wrapper in wrapped.items():
            setattr(backend, name, wrapper)
        setattr(backend, MARK, state)
    except (AttributeError, TypeError):
        for name in wrapped:
            backend.__dict__.pop(name, None)
        return False
    return True
