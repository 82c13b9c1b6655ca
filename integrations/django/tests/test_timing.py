"""Timing and time saved (docs/COUNTERS_FORMAT.md, "Timing"): latency histograms whose totals are the call counts,
and the recompute cost of a miss (get_or_set's callable, a miss then the set of its key, cache_page's view), through
real backends. A stepped clock stands in for perf_counter_ns where a figure is asserted exactly: each read is 1 µs
after the one before, and the work a test does moves it on by a known amount."""
import importlib
import threading
import time

import support

support.setup_django()

from django.core.cache import caches  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import clear_url_caches  # noqa: E402

from cachescope_django import instrument  # noqa: E402
from cachescope_django.counters import BOUNDS_NS, BUCKETS, Counters, GET_HIST, HITS, SETS  # noqa: E402
from test_instrument import Counted  # noqa: E402

US = 1000
MS = 1000 * US


class SteppedClock:
    def __init__(self):
        self.now = 10**12

    def __call__(self):
        self.now += US
        return self.now

    def work(self, ns):
        self.now += ns


def histogram(*pairs):
    """[(bucket index, count)] -> a 21-bucket list."""
    out = [0] * BUCKETS
    for index, n in pairs:
        out[index] += n
    return out


class Timed(Counted):
    def setUp(self):
        super().setUp()
        self.clock = SteppedClock()
        original = instrument.clock
        instrument.clock = self.clock
        self.addCleanup(setattr, instrument, "clock", original)

    def timed(self, alias):
        import os

        self.counted(alias)  # flushes
        base = os.path.join(self.files, ".cachescope") if alias in ("files", "dummy") else self.sink
        return support.timing_totals(support.file_records(os.path.join(base, alias)))


class Histograms(Timed):
    def test_every_call_is_one_observation_and_the_totals_are_the_call_counts(self):
        cache = caches["default"]
        for i in range(7):
            cache.set("user:%d" % i, i)
        for i in range(10):
            cache.get("user:%d" % i)  # 7 hits, 3 misses
        cache.add("user:1", 1)
        cache.delete("user:1")
        cache.get_many(["user:2", "user:3", "other:1"])
        counted, timed = self.counted("default")["user"], self.timed("default")["user"]
        self.assertEqual(sum(timed["lg"]), 10)
        self.assertEqual(sum(timed["lg"]), counted["h"] + counted["m"] - 2)  # get_many's hits are not get calls
        self.assertEqual(sum(timed["ls"]), counted["s"] + counted["a"])
        self.assertEqual(sum(timed["lo"]), 2)  # the delete and the get_many (once per namespace it touched)
        # Every call took one step of the clock: 1 µs, the first bucket (<= 5 µs).
        self.assertEqual(timed["lg"], histogram((0, 10)))

    def test_buckets_are_inclusive_upper_bounds_of_1_2_5_steps(self):
        counters = Counters("default", 10)
        for ns in (0, 5 * US, 5 * US + 1, 10 * MS, 10_000 * MS, 10_000 * MS + 1):
            from cachescope_django.counters import bucket_index

            counters.observe("a", "key", HITS, GET_HIST + bucket_index(BOUNDS_NS, ns))
        self.assertEqual(counters.table["a"][GET_HIST:GET_HIST + BUCKETS], histogram((0, 2), (1, 1), (10, 1), (19, 1), (20, 1)))

    def test_the_hot_path_s_search_free_bucket_index_agrees_with_the_bounds(self):
        from cachescope_django.counters import EDGE, LOW, bucket_index

        values = {0, 1, 2**40, 2**63 - 1}
        for bound in BOUNDS_NS:
            values.update((bound - 1, bound, bound + 1))
        for k in range(64):
            values.update((1 << k, (1 << k) - 1, (1 << k) + 1))
        for ns in sorted(values):
            bits = ns.bit_length()
            self.assertEqual(LOW[bits] + (ns > EDGE[bits]), bucket_index(BOUNDS_NS, ns), ns)

    def test_a_record_leaves_out_trailing_zero_buckets_and_writes_costs_in_microseconds(self):
        counters = Counters("default", 10)
        counters.observe("a", "key", SETS, GET_HIST + 3, 40 * MS + 999)
        counters.observe("a", "key", SETS, GET_HIST + 3, 40 * MS)
        record = support.parse_records(counters.record(counters.take(), "h", 1, 1.0))[0]
        self.assertEqual(record["ns"]["a"], {"k": "key", "s": 2, "lg": [0, 0, 0, 2], "rs": 80000, "rn": 2})

    def test_async_calls_are_timed(self):
        import asyncio

        async def calls():
            cache = caches["async"]
            await cache.aset("x:1", 1)
            await cache.aget("x:1")
            await cache.aget("x:2")

        asyncio.run(calls())
        timed = self.timed("async")["x"]
        self.assertEqual((sum(timed["lg"]), sum(timed["ls"])), (2, 1))


class RecomputeCost(Timed):
    def test_a_miss_then_the_set_of_that_key_in_the_same_thread_is_its_recompute(self):
        cache = caches["default"]
        self.assertIsNone(cache.get("report:7"))
        self.clock.work(40 * MS)
        cache.set("report:7", "done")
        self.assertEqual(cache.get("report:7"), "done")
        self.assertEqual(cache.get("report:7"), "done")
        timed = self.timed("default")["report"]
        # The miss ends one step after it started; the set starts one step after the work: 40 ms + 1 µs.
        self.assertEqual((timed["rs"], timed["rn"], timed["sh"]), (40001, 1, 2))

    def test_nested_misses_each_measure_their_own_recompute(self):
        cache = caches["default"]
        cache.get("page:1")
        self.clock.work(10 * MS)
        cache.get("part:1")
        self.clock.work(30 * MS)
        cache.set("part:1", 1)
        cache.set("page:1", 1)
        timed = self.timed("default")
        self.assertEqual((timed["part"]["rs"], timed["part"]["rn"]), (30001, 1))
        # The outer recompute holds the inner one: what a miss of page:1 costs.
        self.assertEqual((timed["page"]["rs"], timed["page"]["rn"]), (40005, 1))

    def test_a_set_without_a_miss_another_thread_s_miss_or_a_later_miss_measure_nothing(self):
        cache = caches["default"]
        cache.set("w:1", 1)  # write-through: no miss before it
        thread = threading.Thread(target=cache.get, args=("w:2",))
        thread.start()
        thread.join()
        cache.set("w:2", 2)  # the miss was another thread's
        cache.get("w:3")
        self.clock.work(301 * 1000 * MS)  # longer than any recompute: a later write, not a recompute
        cache.set("w:3", 3)
        timed = self.timed("default")["w"]
        self.assertEqual((timed["rs"], timed["rn"]), (0, 0))

    def test_pending_misses_are_bounded_per_thread(self):
        cache = caches["default"]
        state = cache._cachescope_state
        for i in range(100):
            cache.get("many:%d" % i)
        self.assertLessEqual(len(state.pending.misses), instrument.MAX_PENDING)

    def test_get_or_set_measures_its_callable_and_splits_the_call_into_its_read_and_its_write(self):
        cache = caches["default"]

        def compute():
            self.clock.work(25 * MS)
            return "made"

        self.assertEqual(cache.get_or_set("gs:1", compute), "made")
        self.assertEqual(cache.get_or_set("gs:1", compute), "made")
        counted, timed = self.counted("default")["gs"], self.timed("default")["gs"]
        self.assertEqual(counted, {"k": "key", "h": 1, "m": 1, "s": 1})
        # The callable: one step to read the clock before it, 25 ms of work, then the read after it.
        self.assertEqual((timed["rs"], timed["rn"]), (25001, 1))
        self.assertEqual((sum(timed["lg"]), sum(timed["ls"])), (2, 1))

    def test_a_real_sleep_is_measured_at_least_as_long(self):
        instrument.clock = time.perf_counter_ns
        cache = caches["default"]
        cache.get("sleepy:1")
        time.sleep(0.02)
        cache.set("sleepy:1", 1)
        timed = self.timed("default")["sleepy"]
        self.assertEqual(timed["rn"], 1)
        self.assertGreaterEqual(timed["rs"], 20000)


class CachePage(Timed):
    def fresh_urls(self):
        import cs_urls

        importlib.reload(cs_urls)
        clear_url_caches()
        self.addCleanup(clear_url_caches)
        cs_urls.work = lambda: self.clock.work(30 * MS)
        return cs_urls

    def test_the_view_s_time_on_a_miss_is_its_recompute_and_a_page_served_from_cache_is_one_saving_hit(self):
        self.fresh_urls()
        client = Client()
        for _ in range(3):
            self.assertEqual(client.get("/slow/").content, b"slow")
        counted, timed = self.counted("pages")["slow"], self.timed("pages")["slow"]
        self.assertEqual(counted, {"k": "view", "h": 4, "m": 1, "s": 2})
        self.assertEqual(timed["rn"], 1)
        # From the header key's miss to the page key's set: the view's 30 ms and a few clock steps in between.
        self.assertGreaterEqual(timed["rs"], 30000)
        self.assertLess(timed["rs"], 30100)
        self.assertEqual(timed["sh"], 2)  # two pages served from the cache, each a header and a page hit

    @override_settings(MIDDLEWARE=["django.middleware.cache.UpdateCacheMiddleware",
                                   "django.middleware.cache.FetchFromCacheMiddleware"],
                       CACHE_MIDDLEWARE_ALIAS="pages")
    def test_the_site_wide_middleware_times_a_template_response_until_it_is_rendered_and_stored(self):
        self.fresh_urls()
        client = Client()
        for _ in range(2):
            self.assertEqual(client.get("/rendered/").content, b"rendered")
        timed = self.timed("pages")["rendered"]
        self.assertEqual((timed["rn"], timed["sh"]), (1, 1))
        self.assertGreaterEqual(timed["rs"], 30000)
        self.assertLess(timed["rs"], 30100)

    def test_a_view_whose_header_key_hits_but_page_key_misses_measures_from_the_page_miss(self):
        self.fresh_urls()
        client = Client()
        client.get("/slow/")
        from django.core.cache import caches as all_caches

        pages = all_caches["pages"]
        # Drop the page entry only, as an eviction would: the header key still hits. (Stored keys are ":1:<key>".)
        for stored in [k for k in pages._cache if ".cache_page." in k]:
            pages.delete(stored.split(":", 2)[2])
        client.get("/slow/")
        timed = self.timed("pages")["slow"]
        self.assertEqual(timed["rn"], 2)
        self.assertGreaterEqual(timed["rs"], 60000)
