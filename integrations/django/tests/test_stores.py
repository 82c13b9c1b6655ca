"""Which store each alias's records go to, decided from CACHES and SINKS before any backend is built."""
import os
import unittest

import support

support.setup_django()

from cachescope_django.stores import FileStore, MemcachedStore, RedisStore, plan_alias  # noqa: E402

CACHES = {
    "redis": {"BACKEND": support.DJANGO_REDIS, "LOCATION": "redis://127.0.0.1:1/0"},
    "pymem": {"BACKEND": support.PYMEMCACHE, "LOCATION": "10.0.0.1:11211;10.0.0.2:11211"},
    "libmc": {"BACKEND": support.PYLIBMC, "LOCATION": ["unix:/run/mc.sock", "10.0.0.2:11211"],
              "OPTIONS": {"binary": True}},
    "files": {"BACKEND": support.FILEBASED, "LOCATION": "relative/cache"},
    "local": {"BACKEND": support.LOCMEM},
    "db": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache_table"},
    "my cache": {"BACKEND": support.PYMEMCACHE, "LOCATION": "10.0.0.1:11211"},
    "a/b": {"BACKEND": support.FILEBASED, "LOCATION": "/tmp/x"},
    "broken": {"BACKEND": "nowhere.Cache"},
}


def plan(alias, sinks=None):
    return plan_alias(alias, CACHES, sinks or {}, create_backend=lambda name: None)


class Plans(unittest.TestCase):
    def test_backends_that_hold_their_own_counters(self):
        self.assertIsInstance(plan("redis").store, RedisStore)
        pymem = plan("pymem").store
        self.assertEqual((type(pymem), pymem.server, pymem.library), (MemcachedStore, "10.0.0.1:11211", "pymemcache"))
        libmc = plan("libmc").store
        self.assertEqual((libmc.server, libmc.library, libmc.options), ("unix:/run/mc.sock", "pylibmc", {"binary": True}))
        files = plan("files").store
        self.assertEqual((type(files), files.base), (FileStore, os.path.join(os.path.abspath("relative/cache"),
                                                                              ".cachescope")))

    def test_backends_that_need_a_sink(self):
        self.assertEqual(plan("local").problem,
                         "cache 'local': LocMemCache cannot hold counters and CACHESCOPE['SINKS'] names no sink for it "
                         "(another alias or an absolute directory): its calls are not counted")
        self.assertIn("DatabaseCache cannot hold counters", plan("db").problem)
        self.assertEqual(plan("db", {"db": "/var/lib/cs"}).store.base, "/var/lib/cs")
        self.assertIsInstance(plan("local", {"local": "redis"}).store, RedisStore)
        self.assertEqual(plan("local", {"local": "db"}).problem,
                         "cache 'local': its sink, alias 'db', cannot take counters: DatabaseCache cannot hold counters")

    def test_names_a_store_cannot_hold(self):
        self.assertIn("cannot be part of a memcached key", plan("my cache").problem)
        self.assertIn("cannot be a directory name", plan("a/b").problem)
        self.assertIn("cannot be a directory name", plan("a/b", {"a/b": "/var/lib/cs"}).problem)
        self.assertIn("BACKEND 'nowhere.Cache' cannot be imported", plan("broken").problem)


if __name__ == "__main__":
    unittest.main()
