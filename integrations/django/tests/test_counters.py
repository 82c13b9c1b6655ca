"""Counters in process: caps, "(other)", merge after a failed flush, bounded memory, the record's bytes."""
import json
import threading
import time
import tracemalloc
import unittest

import support

support.setup_django()

from cachescope_django.counters import ADDS, HITS, INCRS, MISSES, SETS, TOUCHES, Counters  # noqa: E402


class Caps(unittest.TestCase):
    def test_names_past_the_cap_count_under_other(self):
        counters = Counters("default", 3)
        for i in range(10):
            counters.add("ns%d" % i, "key", HITS)
        table = counters.take()
        self.assertEqual(sorted(table), ["(other)", "ns0", "ns1", "ns2"])
        self.assertEqual(table["(other)"][HITS], 7)
        self.assertEqual(counters.kinds["(other)"], "other")

    def test_admitted_names_keep_their_row_after_a_flush(self):
        counters = Counters("default", 2)
        counters.add("a", "key", HITS)
        counters.add("b", "key", HITS)
        counters.take()
        counters.add("c", "key", MISSES)  # a third name, later: still over the cap
        counters.add("a", "key", MISSES)
        self.assertEqual(sorted(counters.take()), ["(other)", "a"])

    def test_the_first_kind_seen_wins(self):
        counters = Counters("default", 10)
        counters.add("user", "view", HITS)
        counters.add("user", "key", HITS)
        record = json.loads(counters.record(counters.take(), "h", 1, 0.0))
        self.assertEqual(record["ns"]["user"], {"k": "view", "h": 2})


class FailedFlushes(unittest.TestCase):
    def test_counts_given_back_are_merged_into_the_next_record(self):
        counters = Counters("default", 500)
        counters.add("user", "key", HITS, 3)
        failed = counters.take()
        counters.add("user", "key", HITS, 2)
        counters.add("cart", "key", SETS)
        counters.give_back(failed)
        table = counters.take()
        self.assertEqual(table["user"][HITS], 5)
        self.assertEqual(table["cart"][SETS], 1)
        self.assertEqual(counters.take(), {})

    def test_memory_stays_bounded_while_every_flush_fails(self):
        counters = Counters("default", 500)
        tracemalloc.start()
        started = time.perf_counter()
        for round_ in range(100):
            for i in range(2000):
                counters.add("ns-%d-%d" % (round_, i), "key", MISSES)
            counters.give_back(counters.take())
        took = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        table = counters.take()
        print("\n  200,000 distinct names over 100 failed flushes: %.2f s, peak %d KiB" % (took, peak // 1024))
        self.assertEqual(len(table), 501)
        self.assertEqual(sum(row[MISSES] for row in table.values()), 200_000)
        self.assertLess(peak, 4 * 1024 * 1024)

    def test_threads_lose_no_increment(self):
        counters = Counters("default", 500)

        def work():
            for _ in range(20_000):
                counters.add("user", "key", HITS)

        threads = [threading.Thread(target=work) for _ in range(4)]
        flushed = []
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            flushed.append(counters.take())
        for thread in threads:
            thread.join()
        flushed.append(counters.take())
        self.assertEqual(sum(t["user"][HITS] for t in flushed if "user" in t), 80_000)


class Record(unittest.TestCase):
    def test_one_json_line_in_the_documented_shape(self):
        counters = Counters("pages", 500)
        counters.add("api:product-list", "view", HITS, 12)
        counters.add("api:product-list", "view", MISSES, 3)
        counters.add("api:product-list", "view", SETS, 3)
        counters.add("n", "key", ADDS)
        counters.add("n", "key", INCRS, 2)
        counters.add("n", "key", TOUCHES)
        data = counters.record(counters.take(), "web-1", 4242, 1764624000.5004)
        self.assertTrue(data.endswith(b"\n"))
        self.assertEqual(data.count(b"\n"), 1)
        self.assertEqual(
            data,
            b'{"v":1,"tv":1,"host":"web-1","pid":4242,"at":1764624000.5,"alias":"pages","ns":{"api:product-list":'
            b'{"k":"view","h":12,"m":3,"s":3},"n":{"k":"key","a":1,"i":2,"t":1}}}\n',
        )
        support.parse_records(data)

    def test_any_name_stays_one_valid_line(self):
        counters = Counters("default", 500)
        names = ["line\nbreak", "quote\"", "<script>", "\u00e9t\u00e9", "\ud800lone", "\x00nul", "x" * 200]
        for name in names:
            counters.add(name, "key", HITS)
        data = counters.record(counters.take(), "h\u00f6st", 1, 0.0)
        self.assertEqual(data.count(b"\n"), 1)
        data.decode("ascii")
        record = support.parse_records(data)[0]
        self.assertEqual(sorted(record["ns"]), sorted(names))


if __name__ == "__main__":
    unittest.main()
