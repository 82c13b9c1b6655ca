"""The process-wide part: which aliases count and where their records go, the flusher thread, fork and exit."""
from __future__ import annotations

import atexit
import logging
import os
import socket
import threading
import time

from . import instrument as instrument_module
from .conf import Config, read_config
from .counters import Counters
from .instrument import AliasState, instrument
from .keys import Classifier, RequestContext, clear_resolve_cache, current_request
from .stores import bucket_of, plan_alias

logger = logging.getLogger("cachescope_django")

# At exit the last flush gets this long: a server that is down must not hold a worker's shutdown.
EXIT_FLUSH_SECONDS = 5.0


class Runtime:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.flush_lock = threading.Lock()
        self.config = Config()
        self.states: dict[str, AliasState] | None = None
        self.problems: list[str] = []
        self.failing: set[str] = set()
        self.thread: threading.Thread | None = None
        self.stop = threading.Event()
        self.host = socket.gethostname()
        self.create_backend = None  # CacheHandler.create_connection as Django defines it (unwrapped)

    def build(self) -> dict[str, AliasState]:
        """Read CACHESCOPE and CACHES, decide every alias's store, log what cannot be counted."""
        with self.lock:
            if self.states is not None:
                return self.states
            from django.conf import settings
            from django.core.cache import caches

            caches_settings = caches.settings
            config = read_config(getattr(settings, "CACHESCOPE", None), list(caches_settings))
            problems = list(config.problems)
            states: dict[str, AliasState] = {}
            if config.enabled:
                classify = Classifier(config.depth)
                for alias in caches_settings:
                    plan = plan_alias(alias, caches_settings, config.sinks, self.create_backend)
                    if plan.store is None:
                        problems.append(plan.problem or "cache %r: not counted" % alias)
                        continue
                    states[alias] = AliasState(alias, Counters(alias, config.max_namespaces), classify, plan.store)
            for problem in problems:
                logger.warning("cachescope: %s", problem)
            self.config, self.problems, self.states = config, problems, states
            return states

    def state_for(self, alias: str) -> AliasState | None:
        states = self.states if self.states is not None else self.build()
        return states.get(alias)

    def start_flusher(self) -> None:
        with self.lock:
            if self.thread is not None and self.thread.is_alive():
                return
            self.stop = threading.Event()
            self.thread = threading.Thread(target=self._run, args=(self.stop,), name="cachescope-flusher", daemon=True)
            self.thread.start()

    def _run(self, stop: threading.Event) -> None:
        while not stop.wait(self.config.flush_interval):
            try:
                self.flush()
            except Exception:  # the thread must outlive any surprise; the counts stay for the next round
                logger.exception("cachescope: flush failed")

    def flush(self) -> int:
        """Append one record per alias with counts to the current bucket. Returns how many were written."""
        with self.flush_lock:
            states = list((self.states or {}).values())
            at = time.time()
            bucket, pid, written = bucket_of(at), os.getpid(), 0
            for state in states:
                table = state.counters.take()
                if not table:
                    continue
                data = state.counters.record(table, self.host, pid, at)
                try:
                    state.store.write(state.alias, bucket, data)
                except Exception as error:
                    state.counters.give_back(table)
                    if state.alias not in self.failing:
                        self.failing.add(state.alias)
                        logger.warning(
                            "cachescope: cannot write the counters of cache %r to %s (%s: %s); keeping them for the "
                            "next flush", state.alias, state.store.description, type(error).__name__, error,
                        )
                    continue
                if state.alias in self.failing:
                    self.failing.discard(state.alias)
                    logger.warning("cachescope: counters of cache %r written again", state.alias)
                written += 1
            return written

    def flush_with_timeout(self, seconds: float) -> None:
        worker = threading.Thread(target=self.flush, name="cachescope-last-flush", daemon=True)
        worker.start()
        worker.join(seconds)

    def at_exit(self) -> None:
        self.stop.set()
        self.flush_with_timeout(EXIT_FLUSH_SECONDS)

    def after_fork_in_child(self) -> None:
        # Locks another thread held at fork time stay held forever in the child: make new ones. The parent's counts
        # are flushed by the parent; the child starts from zero and starts its own flusher on its first count.
        self.lock = threading.RLock()
        self.flush_lock = threading.Lock()
        self.thread = None
        self.stop = threading.Event()
        self.failing = set()
        for state in (self.states or {}).values():
            state.counters.reset_after_fork()
            state.store.reset_after_fork()
        instrument_module.starter = self.start_flusher

    def reset(self) -> None:
        """CACHES or CACHESCOPE changed (override_settings in tests): write what was counted, decide again."""
        try:
            self.flush()
        finally:
            with self.lock:
                states, self.states = self.states or {}, None
            for state in states.values():
                state.store.close()


runtime = Runtime()
_installed = False


def _request_started(sender, environ=None, scope=None, **kwargs) -> None:
    # A receiver that raises would fail the request: counting is never worth that.
    path = None
    try:
        if environ is not None:
            from django.core.handlers.wsgi import get_path_info

            path = get_path_info(environ)
        elif scope is not None:
            path, root = scope.get("path", ""), scope.get("root_path", "")
            if root and path.startswith(root):
                path = path[len(root):]
    except Exception:
        path = None
    current_request.set(RequestContext(path) if isinstance(path, str) else None)


def _request_finished(sender, **kwargs) -> None:
    current_request.set(None)


def _setting_changed(sender, setting, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        clear_resolve_cache()
    elif setting in ("CACHES", "CACHESCOPE"):
        runtime.reset()
        if setting == "CACHESCOPE":
            # This thread's backends count into the states just dropped: let them be created again.
            from django.core.cache import caches

            for alias in list(caches.settings):
                try:
                    delattr(caches._connections, alias)
                except AttributeError:
                    pass


def install() -> None:
    """Called once, from AppConfig.ready()."""
    global _installed
    if _installed:
        return
    _installed = True
    from django.core.cache import caches
    from django.core.signals import request_finished, request_started
    from django.test.signals import setting_changed

    runtime.create_backend = caches.create_connection

    def create_connection(alias):
        backend = runtime.create_backend(alias)
        _instrument(alias, backend)
        return backend

    caches.create_connection = create_connection
    request_started.connect(_request_started, dispatch_uid="cachescope_request_started")
    request_finished.connect(_request_finished, dispatch_uid="cachescope_request_finished")
    setting_changed.connect(_setting_changed, dispatch_uid="cachescope_setting_changed")
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=runtime.after_fork_in_child)
    atexit.register(runtime.at_exit)
    instrument_module.starter = runtime.start_flusher
    runtime.build()
    # Backends this thread created before ready() (a module that touched caches[...] at import time).
    for alias in list(caches.settings):
        backend = getattr(caches._connections, alias, None)
        if backend is not None:
            _instrument(alias, backend)


def _instrument(alias: str, backend: object) -> None:
    state = runtime.state_for(alias)
    if state is not None and not instrument(backend, state):
        logger.warning("cachescope: cache %r (%s) cannot be instrumented: its calls are not counted",
                       alias, type(backend).__name__)
