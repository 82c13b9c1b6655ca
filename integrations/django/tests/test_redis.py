"""Records in a real Redis (django-redis): the raw key, its expiry, sinks, shards, a server down then up, two
processes into one key."""
import time
import unittest

import support

support.setup_django()

from django.core.cache import caches  # noqa: E402
from django.test import SimpleTestCase, override_settings  # noqa: E402

from cachescope_django.runtime import runtime  # noqa: E402
from test_processes import many_namespaces, run_workers  # noqa: E402

servers = []


def setUpModule():
    servers.append(support.start_redis(support.REDIS_PORT))
    servers.append(support.start_redis(support.REDIS_SHARD_PORT))


def tearDownModule():
    for server in servers:
        server.stop()


def location(port, db):
    return "redis://127.0.0.1:%d/%d" % (port, db)


def remove_counter_keys(port, db):
    client = support.redis_client(port, db)
    for key in client.scan_iter(match="__cachescope__:*"):
        client.delete(key)


class DjangoRedis(SimpleTestCase):
    def setUp(self):
        for port in (support.REDIS_PORT, support.REDIS_SHARD_PORT):
            for db in (3, 4):
                remove_counter_keys(port, db)
        override = override_settings(
            CACHES={
                "default": {"BACKEND": support.DJANGO_REDIS, "LOCATION": location(support.REDIS_PORT, 3),
                            "KEY_PREFIX": "shop", "VERSION": 7},
                "dummy": {"BACKEND": support.DUMMY},
                "shards": {"BACKEND": support.DJANGO_REDIS,
                           "LOCATION": [location(support.REDIS_PORT, 4), location(support.REDIS_SHARD_PORT, 4)],
                           "OPTIONS": {"CLIENT_CLASS": "django_redis.client.ShardClient"}},
            },
            CACHESCOPE={"FLUSH_INTERVAL": 3600, "SINKS": {"dummy": "default"}},
        )
        override.enable()
        self.addCleanup(override.disable)

    def test_raw_key_append_and_expiry(self):
        cache = caches["default"]
        cache.set("user:1", None)
        self.assertIsNone(cache.get("user:1", "d"))
        cache.get_many(["user:1", "user:2", "cart:1"])
        self.assertEqual(cache.get_or_set("cart:2", 5), 5)
        cache.incr("cart:2")
        cache.delete_many(["cart:1", "cart:2"])
        cache.touch("user:1", 60)
        before = int(time.time()) // 10 * 10
        self.assertEqual(runtime.flush(), 1)
        cache.get("user:1")
        self.assertEqual(runtime.flush(), 1)
        after = int(time.time()) // 10 * 10
        client = support.redis_client(support.REDIS_PORT, 3)
        keys = sorted(k.decode() for k in client.scan_iter(match="__cachescope__:*"))
        self.assertIn(keys, (["__cachescope__:1:default:%d" % before], ["__cachescope__:1:default:%d" % b
                                                                         for b in sorted({before, after})]))
        for key in keys:
            self.assertTrue(10790 <= client.ttl(key) <= 10800, client.ttl(key))
        records = support.redis_records(support.REDIS_PORT, "default", 3)
        self.assertEqual(sum(len(r) for r in records.values()), 2)
        self.assertEqual(support.totals(records), {"user": {"k": "key", "h": 3, "m": 1, "s": 1, "t": 1},
                                                   "cart": {"k": "key", "m": 2, "s": 1, "i": 1, "d": 2}})

    def test_a_dummy_cache_sinks_into_another_alias_under_its_own_name(self):
        caches["dummy"].get("x:1")
        caches["dummy"].set("x:1", 1)
        runtime.flush()
        self.assertEqual(support.totals(support.redis_records(support.REDIS_PORT, "dummy", 3)),
                         {"x": {"k": "key", "m": 1, "s": 1}})
        self.assertEqual(support.redis_records(support.REDIS_PORT, "default", 3), {})

    def test_shards_write_to_the_first_location(self):
        cache = caches["shards"]
        for i in range(20):
            cache.get("s%d:x" % i)
        self.assertEqual(runtime.flush(), 1)
        self.assertEqual(len(support.totals(support.redis_records(support.REDIS_PORT, "shards", 4))), 20)
        self.assertEqual(support.redis_records(support.REDIS_SHARD_PORT, "shards", 4), {})

    def test_two_processes_append_to_one_key(self):
        support.wait_until_not_near_bucket_edge()
        spec = {"caches": {"default": {"BACKEND": support.DJANGO_REDIS, "LOCATION": location(support.REDIS_PORT, 3)}},
                "cachescope": {"FLUSH_INTERVAL": 3600}, "ops": many_namespaces("default", 500), "rounds": 10,
                "flush_each_round": True, "start_at": time.time() + 1.5}
        pids = run_workers([spec, spec])
        records = support.redis_records(support.REDIS_PORT, "default", 3)
        self.assertEqual(len(records), 1, "one bucket")
        (bucket,) = records.values()
        self.assertEqual(len(bucket), 20)
        self.assertEqual(sorted({record["pid"] for record in bucket}), sorted(pids))


class ServerDown(SimpleTestCase):
    def test_counts_wait_for_the_server_and_memory_stays_bounded(self):
        late = support.REDIS_LATE_PORT
        self.assertTrue(support.port_is_free(late))
        with override_settings(
            CACHES={"late": {"BACKEND": support.DJANGO_REDIS, "LOCATION": location(late, 0),
                             "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1}}},
            CACHESCOPE={"FLUSH_INTERVAL": 3600, "MAX_NAMESPACES": 10},
        ):
            cache = caches["late"]
            for round_ in range(5):
                for i in range(30):
                    cache.get("r%d-%d:x" % (round_, i))  # misses: the server is down and errors are ignored
                with self.assertLogs("cachescope_django", "WARNING"):
                    self.assertEqual(runtime.flush(), 0)
                    runtime.failing.discard("late")  # log every round, to assert each one failed
            self.assertEqual(len(runtime.state_for("late").counters.table), 11)
            server = support.start_redis(late)
            self.addCleanup(server.stop)
            cache.get("after:1")
            self.assertEqual(runtime.flush(), 1)
        totals = support.totals(support.redis_records(late, "late", 0))
        self.assertEqual(len(totals), 11)
        self.assertEqual(sum(row["m"] for row in totals.values()), 151)
        self.assertEqual(totals["(other)"]["k"], "other")


if __name__ == "__main__":
    unittest.main()
