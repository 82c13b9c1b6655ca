"""What the Django companion adds to a cache.get, and what a flush costs.

    /usr/bin/python3 bench/companion-overhead.py            # LocMemCache 1M calls, Redis 100k calls, 3 rounds
    BENCH_LOCMEM_CALLS=200000 BENCH_REDIS_CALLS=20000 BENCH_ROUNDS=5 /usr/bin/python3 bench/companion-overhead.py

Per call, cache.get on the same keys (half hits, half misses, 1,000 keys in 10 namespaces) through a plain backend
and through one the companion instrumented, timed one call at a time with perf_counter_ns (the timer's own cost is
in both columns and cancels out in the difference). They run in alternating blocks of 200 calls so load changes hit
both, beside a second plain backend whose difference to the first is the noise floor (A/A).
Redis round trips are ~50x slower than LocMemCache: 100k calls per round by default (BENCH_REDIS_CALLS).
Starts its own redis-server on port 6449 (BENCH_REDIS_PORT), stopped by pid at the end.
The flush: one flush with 10 / 100 / 500 namespaces counted, to a directory (LocMemCache's sink) and to Redis.
"""
import array
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "integrations", "django"))

REDIS_PORT = int(os.environ.get("BENCH_REDIS_PORT", 6449))
LOCMEM_CALLS = int(os.environ.get("BENCH_LOCMEM_CALLS", 1_000_000))
REDIS_CALLS = int(os.environ.get("BENCH_REDIS_CALLS", 100_000))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
BLOCK = 200
KEYS = ["ns%d:item:%d" % (i % 10, i) for i in range(1000)]


def start_redis():
    process = subprocess.Popen(["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=REDIS_PORT)
    for _ in range(100):
        try:
            client.ping()
            return process
        except redis.ConnectionError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("redis-server did not start on port %d" % REDIS_PORT)


def setup(sink):
    import django
    from django.conf import settings

    settings.configure(
        SECRET_KEY="bench", INSTALLED_APPS=["cachescope_django"], DATABASES={},
        CACHES={
            "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "instrumented"},
            "redis": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:%d/1" % REDIS_PORT},
        },
        # Flushes are measured separately, by hand: the thread stays out of the per-call figures.
        CACHESCOPE={"FLUSH_INTERVAL": 3600, "SINKS": {"locmem": sink}},
    )
    django.setup()


def plain_backend(alias):
    """The same backend, built the way Django builds it but not through caches[]: not instrumented."""
    from cachescope_django.runtime import runtime

    return runtime.create_backend(alias)


def per_call(get, keys, calls):
    """Per-call nanoseconds for `calls` gets cycling over keys. Kept in a preallocated array, not as int objects: a
    list of fresh ints grows the heap, and the page fault of each new page (one per ~128 results) lands in whichever
    call first allocates anything, the instrumented one's clock reads, inflating its p99 with the bench's own cost."""
    clock = time.perf_counter_ns
    times = array.array("q", bytes(8 * calls))
    n = len(keys)
    for i in range(calls):
        key = keys[i % n]
        started = clock()
        get(key)
        times[i] = clock() - started
    return times


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def compare(name, plain, instrumented, control, calls):
    """control: a second plain backend, run like the other two: its difference to plain is the noise floor (an A/A
    test), which matters for Redis where a round trip varies by far more than the companion adds."""
    for cache in (plain, instrumented):
        for i, key in enumerate(KEYS):
            if i % 2 == 0:
                cache.set(key, i)
    rounds = []
    for round_ in range(ROUNDS):
        times = {"plain": array.array("q"), "instr": array.array("q"), "control": array.array("q")}
        done = 0
        while done < calls:
            size = min(BLOCK, calls - done)
            times["plain"] += per_call(plain.get, KEYS, size)
            times["instr"] += per_call(instrumented.get, KEYS, size)
            times["control"] += per_call(control.get, KEYS, size)
            done += size
        row = {}
        for side, values in times.items():
            row[side + "_median"] = statistics.median(values)
            row[side + "_p99"] = percentile(values, 0.99)
        rounds.append(row)
        print("  %s round %d: median %.2f -> %.2f us (+%.2f; A/A %+.2f), p99 %.2f -> %.2f us (+%.2f; A/A %+.2f)" % (
            name, round_ + 1, row["plain_median"] / 1e3, row["instr_median"] / 1e3,
            (row["instr_median"] - row["plain_median"]) / 1e3, (row["control_median"] - row["plain_median"]) / 1e3,
            row["plain_p99"] / 1e3, row["instr_p99"] / 1e3, (row["instr_p99"] - row["plain_p99"]) / 1e3,
            (row["control_p99"] - row["plain_p99"]) / 1e3), flush=True)
    summary = {key: statistics.median(r[key] for r in rounds) / 1e3 for key in rounds[0]}
    for stat in ("median", "p99"):
        summary["added_" + stat] = statistics.median((r["instr_" + stat] - r["plain_" + stat]) / 1e3 for r in rounds)
        summary["noise_" + stat] = statistics.median((r["control_" + stat] - r["plain_" + stat]) / 1e3 for r in rounds)
    return summary


def flush_cost(alias, namespaces, repeats=30):
    from cachescope_django.counters import HITS, MISSES
    from cachescope_django.runtime import runtime

    state = runtime.state_for(alias)
    runtime.flush()  # what the per-call rounds counted
    times, size = [], 0
    for _ in range(repeats):
        for i in range(namespaces):
            state.counters.add("ns%d" % i, "key", HITS, 40)
            state.counters.add("ns%d" % i, "key", MISSES, 3)
        size = len(state.counters.record(dict(state.counters.table), "h", 1, time.time()))
        started = time.perf_counter_ns()
        if runtime.flush() != 1:
            raise SystemExit("a flush to %s failed" % alias)
        times.append(time.perf_counter_ns() - started)
    return statistics.median(times) / 1e6, size


def main():
    sink = tempfile.mkdtemp(prefix="cachescope-bench-")
    redis_server = start_redis()
    try:
        setup(sink)
        from django.core.cache import caches

        print("load average before: %.2f %.2f %.2f" % os.getloadavg(), flush=True)
        print("cache.get, plain vs instrumented (%d rounds):" % ROUNDS, flush=True)
        locmem = compare("LocMemCache", plain_backend("locmem"), caches["locmem"], plain_backend("locmem"),
                         LOCMEM_CALLS)
        redis = compare("Redis (django-redis)", plain_backend("redis"), caches["redis"], plain_backend("redis"),
                        REDIS_CALLS)
        print("flush cost (median of 30):", flush=True)
        flushes = []
        for namespaces in (10, 100, 500):
            to_dir, size = flush_cost("locmem", namespaces)
            to_redis, _ = flush_cost("redis", namespaces)
            flushes.append((namespaces, size, to_dir, to_redis))
            print("  %3d namespaces (%6d-byte record): directory %.3f ms, Redis %.3f ms" % (
                namespaces, size, to_dir, to_redis), flush=True)
        print("load average after: %.2f %.2f %.2f" % os.getloadavg())
        print()
        print("| backend | calls/round | plain median | instrumented median | added median (A/A noise) | plain p99 | "
              "instrumented p99 | added p99 (A/A noise) |")
        print("|---|---|---|---|---|---|---|---|")
        for name, calls, row in (("LocMemCache", LOCMEM_CALLS, locmem), ("Redis", REDIS_CALLS, redis)):
            print("| %s | %d | %.2f µs | %.2f µs | %+.2f µs (%+.2f) | %.2f µs | %.2f µs | %+.2f µs (%+.2f) |" % (
                name, calls, row["plain_median"], row["instr_median"], row["added_median"], row["noise_median"],
                row["plain_p99"], row["instr_p99"], row["added_p99"], row["noise_p99"]))
        for namespaces, size, to_dir, to_redis in flushes:
            print("| flush, %d namespaces | %d-byte record | directory %.3f ms | Redis %.3f ms |" % (
                namespaces, size, to_dir, to_redis))
    finally:
        redis_server.terminate()
        redis_server.wait(10)
        shutil.rmtree(sink, True)


if __name__ == "__main__":
    main()
