"""Records in a real memcached: the first server of the LOCATION only, through pymemcache and pylibmc, appended
record after record; a server down then up."""
import time
import unittest

import support

support.setup_django()

from django.core.cache import caches  # noqa: E402
from django.test import SimpleTestCase, override_settings  # noqa: E402
from pymemcache.client.base import Client  # noqa: E402

from cachescope_django.runtime import runtime  # noqa: E402
from test_processes import many_namespaces, run_workers  # noqa: E402

servers = {}
BOTH = "127.0.0.1:%d;127.0.0.1:%d" % (support.MEMCACHED_PORT, support.MEMCACHED_SECOND_PORT)


def setUpModule():
    servers["first"] = support.start_memcached(support.MEMCACHED_PORT)
    servers["second"] = support.start_memcached(support.MEMCACHED_SECOND_PORT)


def tearDownModule():
    for server in servers.values():
        server.stop()


def raw(port, alias, bucket):
    client = Client(("127.0.0.1", port))
    try:
        return client.get("__cachescope__:1:%s:%d" % (alias, bucket))
    finally:
        client.close()


def records_around(port, alias, at):
    """The records of the buckets a flush near `at` can have written to."""
    found = {}
    for bucket in {int(at) // 10 * 10, int(at) // 10 * 10 + 10, int(at) // 10 * 10 - 10}:
        data = raw(port, alias, bucket)
        if data is not None:
            found[bucket] = support.parse_records(data)
    return found


class Memcached(SimpleTestCase):
    def setUp(self):
        override = override_settings(
            CACHES={
                "pymem": {"BACKEND": support.PYMEMCACHE, "LOCATION": BOTH, "KEY_PREFIX": "p", "VERSION": 3},
                "libmc": {"BACKEND": support.PYLIBMC, "LOCATION": BOTH.replace("127.0.0.1", "localhost")},
                "dummy": {"BACKEND": support.DUMMY},
            },
            CACHESCOPE={"FLUSH_INTERVAL": 3600, "SINKS": {"dummy": "libmc"}},
        )
        override.enable()
        self.addCleanup(override.disable)

    def exercise(self, cache):
        cache.set("user:1", None)
        self.assertIsNone(cache.get("user:1", "d"))
        self.assertEqual(cache.get_many(["user:1", "user:2"]), {"user:1": None})
        self.assertEqual(cache.get_or_set("n:1", 1), 1)
        cache.incr("n:1")
        cache.delete("n:1")
        cache.set_many({"m:%d" % i: i for i in range(40)})  # spread over both servers

    def check(self, alias):
        at = time.time()
        self.assertEqual(runtime.flush(), 1)
        caches[alias].get("user:3")
        self.assertEqual(runtime.flush(), 1)
        first = records_around(support.MEMCACHED_PORT, alias, at)
        self.assertEqual(sum(len(r) for r in first.values()), 2)
        self.assertEqual(support.totals(first), {"user": {"k": "key", "h": 2, "m": 2, "s": 1},
                                                 "n": {"k": "key", "m": 1, "s": 1, "i": 1, "d": 1},
                                                 "m": {"k": "key", "s": 40}})
        self.assertEqual(records_around(support.MEMCACHED_SECOND_PORT, alias, at), {})

    def test_pymemcache(self):
        self.exercise(caches["pymem"])
        self.check("pymem")

    def test_pylibmc(self):
        self.exercise(caches["libmc"])
        self.check("libmc")

    def test_a_dummy_cache_sinks_into_memcached(self):
        at = time.time()
        caches["dummy"].get("x:1")
        runtime.flush()
        self.assertEqual(support.totals(records_around(support.MEMCACHED_PORT, "dummy", at)),
                         {"x": {"k": "key", "m": 1}})

    def test_two_processes_append_to_one_item(self):
        support.wait_until_not_near_bucket_edge()
        spec = {"caches": {"default": {"BACKEND": support.PYMEMCACHE, "LOCATION": BOTH}},
                "cachescope": {"FLUSH_INTERVAL": 3600}, "ops": many_namespaces("default", 100), "rounds": 10,
                "flush_each_round": True, "start_at": time.time() + 1.5}
        at = time.time()
        pids = run_workers([spec, spec])
        found = records_around(support.MEMCACHED_PORT, "default", at + 1.5)
        self.assertEqual(len(found), 1)
        (bucket,) = found.values()
        self.assertEqual(len(bucket), 20)
        self.assertEqual(sorted({record["pid"] for record in bucket}), sorted(pids))


class ServerDown(SimpleTestCase):
    def test_counts_wait_for_the_server(self):
        port = support.MEMCACHED_SECOND_PORT
        with override_settings(
            CACHES={"mc": {"BACKEND": support.PYMEMCACHE, "LOCATION": "127.0.0.1:%d" % port,
                           "OPTIONS": {"ignore_exc": True, "connect_timeout": 1, "timeout": 1}}},
            CACHESCOPE={"FLUSH_INTERVAL": 3600},
        ):
            cache = caches["mc"]
            cache.get("a:1")
            servers.pop("second").stop()
            cache.get("a:2")
            at = time.time()
            with self.assertLogs("cachescope_django", "WARNING"):
                self.assertEqual(runtime.flush(), 0)
            servers["second"] = support.start_memcached(port)
            cache.get("a:3")
            self.assertEqual(runtime.flush(), 1)
        self.assertEqual(support.totals(records_around(port, "mc", at)), {"a": {"k": "key", "m": 3}})


if __name__ == "__main__":
    unittest.main()
