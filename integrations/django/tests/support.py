"""Shared by the companion's tests: Django configured once, real servers started and stopped by pid, records read back.

Ports (listed at the top of scripts/test.sh): redis 6441-6443, memcached 11441-11442.
"""
from __future__ import annotations

import atexit
import glob
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(HERE)
if PACKAGE_ROOT not in sys.path:
    sys.path.insert(0, PACKAGE_ROOT)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

REDIS_PORT = 6441
REDIS_SHARD_PORT = 6442
REDIS_LATE_PORT = 6443  # nothing listens until a test starts it: the "server down" case
MEMCACHED_PORT = 11441
MEMCACHED_SECOND_PORT = 11442

LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
DUMMY = "django.core.cache.backends.dummy.DummyCache"
FILEBASED = "django.core.cache.backends.filebased.FileBasedCache"
DJANGO_REDIS = "django_redis.cache.RedisCache"
PYMEMCACHE = "django.core.cache.backends.memcached.PyMemcacheCache"
PYLIBMC = "django.core.cache.backends.memcached.PyLibMCCache"


LOGIN_SECRET = "companion-tests-secret-0123456789abcdef"

BASE_SINK = tempfile.mkdtemp(prefix="cachescope-base-")
atexit.register(shutil.rmtree, BASE_SINK, True)


def setup_django() -> None:
    import django
    from django.conf import settings

    if settings.configured:
        return
    # The companion's warnings are asserted where they matter; elsewhere they would only clutter the output.
    logging.getLogger("cachescope_django").addHandler(logging.NullHandler())
    settings.configure(
        DEBUG=False,
        SECRET_KEY="cachescope-tests",
        ALLOWED_HOSTS=["testserver"],
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "django.contrib.sessions", "cachescope_django"],
        MIDDLEWARE=[],
        ROOT_URLCONF="cs_urls",
        CACHES={"default": {"BACKEND": LOCMEM}, "pages": {"BACKEND": LOCMEM, "LOCATION": "pages"}},
        # Tests flush by hand; the thread's own rhythm is tested in subprocesses.
        CACHESCOPE={
            "FLUSH_INTERVAL": 3600,
            "SINKS": {"default": BASE_SINK, "pages": BASE_SINK},
            "DJANGO_SECRET": LOGIN_SECRET,
            "CONSOLE_URL": "http://console.test:3000",
        },
        USE_TZ=True,
        # Sign in with Django's tests migrate users and permissions into it (test_login.py).
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "OPTIONS": {}}],
    )
    django.setup()


def wait_port(port: int, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError("nothing listens on 127.0.0.1:%d after %ss" % (port, seconds))
            time.sleep(0.05)


def port_is_free(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.3):
            return False
    except OSError:
        return True


class Server:
    """A redis-server or memcached this test started; stopped by its pid."""

    def __init__(self, argv: list[str], port: int) -> None:
        if not port_is_free(port):
            raise RuntimeError("port %d is taken: another run holds it (use flock /tmp/cachescope-servers.lock)" % port)
        self.port = port
        self.process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_port(port)
        except Exception:
            self.stop()
            raise

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_redis(port: int) -> Server:
    return Server(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], port)


def start_memcached(port: int) -> Server:
    as_root = ["-u", "root"] if os.geteuid() == 0 else []  # memcached refuses root without it
    return Server(["memcached", "-p", str(port), "-U", "0", "-l", "127.0.0.1", "-m", "16", *as_root], port)


def redis_client(port: int, db: int = 0):
    import redis

    return redis.Redis(host="127.0.0.1", port=port, db=db)


def parse_records(data: bytes) -> list[dict]:
    """Split a bucket's bytes into records, strictly as docs/COUNTERS_FORMAT.md says: UTF-8 JSON lines, each ending
    in a newline."""
    text = data.decode("utf-8")
    assert text == "" or text.endswith("\n"), "a bucket must end with a newline: %r" % text[-80:]
    records = []
    for line in text.split("\n")[:-1]:
        record = json.loads(line)
        check_record(record)
        records.append(record)
    return records


COUNTERS = ("h", "m", "s", "a", "d", "i", "t")
HISTOGRAMS = ("lg", "ls", "lo")
BUCKETS = 21


def check_record(record: dict) -> None:
    assert set(record) == {"v", "tv", "host", "pid", "at", "alias", "ns"}, sorted(record)
    assert record["v"] == 1 and record["tv"] == 1
    assert isinstance(record["host"], str) and isinstance(record["pid"], int)
    assert isinstance(record["at"], (int, float)) and isinstance(record["alias"], str)
    for name, counters in record["ns"].items():
        assert isinstance(name, str) and len(name) <= 200
        assert counters["k"] in ("view", "page", "fragment", "session", "key", "other"), counters
        for letter, n in counters.items():
            if letter in HISTOGRAMS:
                # Each bucket's own count, trailing zeros left out.
                assert 0 < len(n) <= BUCKETS and n[-1] > 0, (letter, n)
                assert all(isinstance(c, int) and c >= 0 for c in n), (letter, n)
            elif letter in ("rs", "sh"):
                assert isinstance(n, int) and n >= 0, (letter, n)
            elif letter == "rn":
                assert isinstance(n, int) and n > 0 and "rs" in counters, (letter, n)
            elif letter != "k":
                assert letter in COUNTERS and isinstance(n, int) and n > 0, (letter, n)


def redis_records(port: int, alias: str, db: int = 0) -> dict[int, list[dict]]:
    """bucket -> records of the alias's counter keys on that Redis."""
    client = redis_client(port, db)
    found = {}
    for key in client.scan_iter(match="__cachescope__:1:%s:*" % alias):
        bucket = int(key.decode().rsplit(":", 1)[1])
        found[bucket] = parse_records(client.get(key))
    return found


def file_records(directory: str) -> dict[int, list[dict]]:
    found = {}
    for path in glob.glob(os.path.join(directory, "*.jsonl")):
        with open(path, "rb") as handle:
            found[int(os.path.basename(path)[: -len(".jsonl")])] = parse_records(handle.read())
    return found


def totals(buckets: dict[int, list[dict]]) -> dict[str, dict]:
    """Sum every record's counters per namespace (kind kept); timings are timing_totals'."""
    summed: dict[str, dict] = {}
    for records in buckets.values():
        for record in records:
            for name, counters in record["ns"].items():
                row = summed.setdefault(name, {"k": counters["k"]})
                for letter, n in counters.items():
                    if letter in COUNTERS:
                        row[letter] = row.get(letter, 0) + n
    return summed


def timing_totals(buckets: dict[int, list[dict]]) -> dict[str, dict]:
    """Sum every record's timings per namespace: {"lg"|"ls"|"lo": [21 counts], "rs", "rn", "sh"} ("sh" = h if absent)."""
    summed: dict[str, dict] = {}
    for records in buckets.values():
        for record in records:
            for name, counters in record["ns"].items():
                row = summed.setdefault(name, {**{h: [0] * BUCKETS for h in HISTOGRAMS}, "rs": 0, "rn": 0, "sh": 0})
                for letter in HISTOGRAMS:
                    for i, n in enumerate(counters.get(letter, [])):
                        row[letter][i] += n
                row["rs"] += counters.get("rs", 0)
                row["rn"] += counters.get("rn", 0)
                row["sh"] += counters.get("sh", counters.get("h", 0))
    return summed


def temp_dir(test) -> str:
    path = tempfile.mkdtemp(prefix="cachescope-test-")
    test.addCleanup(shutil.rmtree, path, True)
    return path


def wait_until_not_near_bucket_edge(margin: float = 2.0) -> None:
    """Two processes meant to flush into one 10-s bucket start well inside it."""
    while True:
        into = time.time() % 10
        if margin <= into <= 10 - margin - 3:
            return
        time.sleep(0.2)
