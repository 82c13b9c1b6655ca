"""Every counted call, counted once, through real backends (LocMemCache, DummyCache, FileBasedCache) writing real
files; views, fragments and sessions through Django's own machinery."""
import asyncio
import importlib
import os
import unittest

import support

support.setup_django()

from django.core.cache import caches  # noqa: E402
from django.template import engines  # noqa: E402
from django.test import Client, SimpleTestCase, override_settings  # noqa: E402
from django.urls import clear_url_caches  # noqa: E402

from cachescope_django.checks import check_counting  # noqa: E402
from cachescope_django.instrument import MARK  # noqa: E402
from cachescope_django.runtime import runtime  # noqa: E402


class Counted(SimpleTestCase):
    """CACHES: "default" (LocMemCache) and "pages" sink into a directory, "files" is a FileBasedCache, "dummy"
    sinks into "files", "lost" (a DummyCache) has no sink."""

    extra_settings = {}

    def setUp(self):
        self.sink = support.temp_dir(self)
        self.files = support.temp_dir(self)
        caches_setting = {
            "default": {"BACKEND": support.LOCMEM, "LOCATION": "default-%s" % self.sink},
            "pages": {"BACKEND": support.LOCMEM, "LOCATION": "pages-%s" % self.sink},
            "files": {"BACKEND": support.FILEBASED, "LOCATION": self.files},
            "dummy": {"BACKEND": support.DUMMY},
            "lost": {"BACKEND": support.DUMMY},
            "async": {"BACKEND": "async_backend.AsyncLocMemCache", "LOCATION": "async-%s" % self.sink},
        }
        override = override_settings(
            CACHES=caches_setting,
            CACHESCOPE={"FLUSH_INTERVAL": 3600, "SINKS": {"default": self.sink, "pages": self.sink,
                                                           "async": self.sink, "dummy": "files"}},
            **self.extra_settings,
        )
        override.enable()
        self.addCleanup(override.disable)

    def counted(self, alias):
        runtime.flush()
        base = os.path.join(self.files, ".cachescope") if alias in ("files", "dummy") else self.sink
        return support.totals(support.file_records(os.path.join(base, alias)))


class Reads(Counted):
    def test_hits_and_misses_are_decided_with_a_sentinel(self):
        cache = caches["default"]
        cache.set("user:1", None)
        cache.set("user:2", 0)
        self.assertIsNone(cache.get("user:1", "default"))  # a cached None is a hit, and is returned
        self.assertEqual(cache.get("user:2"), 0)
        self.assertEqual(cache.get("user:3", "fallback"), "fallback")
        self.assertIsNone(cache.get("user:4"))
        self.assertEqual(self.counted("default"), {"user": {"k": "key", "h": 2, "m": 2, "s": 2}})

    def test_get_many_counts_each_key_once(self):
        cache = caches["default"]
        cache.set("a:1", None)
        cache.set("b:1", 1)
        found = cache.get_many(key for key in ["a:1", "a:2", "b:1", "c:1"])
        self.assertEqual(found, {"a:1": None, "b:1": 1})
        self.assertEqual(self.counted("default"), {"a": {"k": "key", "h": 1, "m": 1, "s": 1},
                                                   "b": {"k": "key", "h": 1, "s": 1}, "c": {"k": "key", "m": 1}})

    def test_get_or_set_is_a_miss_when_it_had_to_set(self):
        cache = caches["default"]
        self.assertEqual(cache.get_or_set("g:1", lambda: "made"), "made")
        self.assertEqual(cache.get_or_set("g:1", "other"), "made")
        self.assertEqual(cache.get_or_set("g:2", "plain"), "plain")
        cache.set("g:3", None)
        self.assertIsNone(cache.get_or_set("g:3", "x"))
        self.assertEqual(self.counted("default"), {"g": {"k": "key", "h": 2, "m": 2, "s": 3}})

    def test_has_key_and_in_are_not_counted(self):
        cache = caches["default"]
        cache.set("k:1", 1)
        self.assertTrue(cache.has_key("k:1"))
        self.assertIn("k:1", cache)
        self.assertNotIn("k:2", cache)
        self.assertEqual(self.counted("default"), {"k": {"k": "key", "s": 1}})


class Writes(Counted):
    def test_each_write_kind_once(self):
        cache = caches["default"]
        cache.set_many({"s:1": 1, "s:2": 2, "t:1": 3})
        cache.add("s:3", 1)
        cache.add("s:3", 2)
        self.assertEqual(cache.incr("s:1"), 2)  # BaseCache.incr calls get and set: counted as one incr
        self.assertEqual(cache.decr("s:1", 2), 0)
        cache.touch("t:1", 60)
        cache.delete("s:2")
        cache.delete_many(key for key in ["s:1", "s:3", "t:9"])
        cache.incr_version("t:1")  # neither counted nor its inner get/set/delete
        self.assertEqual(self.counted("default"), {"s": {"k": "key", "s": 2, "a": 2, "i": 2, "d": 3},
                                                   "t": {"k": "key", "s": 1, "t": 1, "d": 1}})

    def test_a_call_that_raises_is_not_counted(self):
        cache = caches["default"]
        with self.assertRaises(ValueError):
            cache.incr("missing:1")
        cache.get("seen:1")
        self.assertEqual(self.counted("default"), {"seen": {"k": "key", "m": 1}})

    def test_filebased_counts_beside_its_entries_and_survives_clear(self):
        cache = caches["files"]
        cache.set("a:1", 1)
        cache.get("a:1")
        cache.get("a:2")
        runtime.flush()
        cache.clear()
        self.assertEqual(self.counted("files"), {"a": {"k": "key", "h": 1, "m": 1, "s": 1}})
        self.assertEqual(os.listdir(os.path.join(self.files, ".cachescope")), ["files"])

    def test_the_companion_writes_are_not_counted(self):
        caches["dummy"].get("d:1")  # DummyCache: always a miss; its counters go into "files"' directory
        caches["files"].get("f:1")
        self.assertEqual(runtime.flush(), 2)
        self.assertEqual(runtime.flush(), 0)
        self.assertEqual(self.counted("dummy"), {"d": {"k": "key", "m": 1}})
        self.assertEqual(self.counted("files"), {"f": {"k": "key", "m": 1}})


class NotCountable(Counted):
    def test_a_dummy_cache_without_sink_is_left_alone_and_reported(self):
        cache = caches["lost"]
        self.assertIsNone(getattr(cache, MARK, None))
        self.assertEqual(cache.get("x"), None)
        with self.assertLogs("cachescope_django", "WARNING") as logged:
            runtime.reset()
            caches["default"]
        self.assertEqual(len(logged.output), 1)
        self.assertIn("cache 'lost': DummyCache cannot hold counters and CACHESCOPE['SINKS'] names no sink",
                      logged.output[0])
        warnings = check_counting(None)
        self.assertEqual([w.id for w in warnings], ["cachescope_django.W002"])
        self.assertIn("cache 'lost': DummyCache cannot hold counters", warnings[0].msg)


class Disabled(SimpleTestCase):
    def test_enabled_false_leaves_every_backend_alone(self):
        with override_settings(CACHES={"default": {"BACKEND": support.LOCMEM}},
                               CACHESCOPE={"ENABLED": False, "SINKS": {"default": support.BASE_SINK}}):
            cache = caches["default"]
            self.assertIsNone(getattr(cache, MARK, None))
            self.assertNotIn("get", vars(cache))
            cache.get("x")
            self.assertEqual(runtime.flush(), 0)


class Async(Counted):
    def test_async_calls_count_like_their_sync_twins(self):
        cache = caches["async"]

        async def calls():
            await cache.aset("x:1", None)
            self.assertIsNone(await cache.aget("x:1", "d"))
            self.assertEqual(await cache.aget("x:2", "d"), "d")
            self.assertEqual(await cache.aget_many(["x:1", "x:3"]), {"x:1": None})
            self.assertEqual(await cache.aget_or_set("y:1", lambda: 5), 5)
            self.assertEqual(await cache.aget_or_set("y:1", 6), 5)
            self.assertEqual(await cache.aincr("y:1"), 6)
            self.assertTrue(await cache.ahas_key("y:1"))
            await cache.adelete("y:1")

        asyncio.run(calls())
        self.assertEqual(self.counted("async"), {"x": {"k": "key", "h": 2, "m": 2, "s": 1},
                                                 "y": {"k": "key", "h": 1, "m": 1, "s": 1, "i": 1, "d": 1}})


class Django(Counted):
    def fresh_urls(self):
        # Django 3.2's cache_page takes its backend when the view is decorated: decorate again under these CACHES.
        import cs_urls

        importlib.reload(cs_urls)
        clear_url_caches()
        self.addCleanup(clear_url_caches)

    def test_cache_page_counts_under_the_served_view(self):
        self.fresh_urls()
        client = Client()
        for _ in range(3):
            self.assertEqual(client.get("/api/products/").content, b"products")
        for _ in range(2):
            client.get("/unnamed/")
        # First request: header miss, then header and page set; later ones: header and page hit.
        self.assertEqual(self.counted("pages"), {"api:product-list": {"k": "view", "h": 4, "m": 1, "s": 2},
                                                 "cs_urls.unnamed": {"k": "view", "h": 2, "m": 1, "s": 2}})

    def test_cache_page_under_asgi(self):
        from django.test import AsyncClient

        self.fresh_urls()

        async def requests():
            client = AsyncClient()
            for _ in range(2):
                response = await client.get("/api/products/")
                self.assertEqual(response.content, b"products")

        asyncio.run(requests())
        self.assertEqual(self.counted("pages"), {"api:product-list": {"k": "view", "h": 2, "m": 1, "s": 2}})

    @override_settings(MIDDLEWARE=["django.middleware.cache.UpdateCacheMiddleware",
                                   "django.middleware.cache.FetchFromCacheMiddleware"],
                       CACHE_MIDDLEWARE_ALIAS="pages")
    def test_the_site_wide_middleware_fetches_before_resolution(self):
        self.fresh_urls()
        client = Client()
        client.get("/plain/")
        client.get("/plain/")
        client.get("/nowhere/")  # a 404 is not cached; its lookup counts under "page"
        self.assertEqual(self.counted("pages"), {"plain": {"k": "view", "h": 2, "m": 1, "s": 2},
                                                 "page": {"k": "page", "m": 1}})

    def test_fragments(self):
        template = engines["django"].from_string("{% load cache %}{% cache 60 side.bar %}x{% endcache %}")
        template.render({})
        template.render({})
        self.assertEqual(self.counted("default"), {"fragment:side.bar": {"k": "fragment", "h": 1, "m": 1, "s": 1}})

    @override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cache", SESSION_CACHE_ALIAS="default")
    def test_sessions(self):
        from django.contrib.sessions.backends.cache import SessionStore

        store = SessionStore()
        store["x"] = 1
        store.save()
        self.assertEqual(SessionStore(store.session_key)["x"], 1)
        counted = self.counted("default")
        self.assertEqual(list(counted), ["session"])
        self.assertEqual(counted["session"]["k"], "session")
        self.assertGreaterEqual(counted["session"].get("h", 0), 1)


@override_settings(CACHES={"default": {"BACKEND": support.LOCMEM}},
                   CACHESCOPE={"DEPTH": 2, "MAX_NAMESPACES": 2, "SINKS": {"default": support.BASE_SINK}})
class DepthAndCap(SimpleTestCase):
    def test_settings_apply_to_new_backends(self):
        sink = support.temp_dir(self)
        with override_settings(CACHESCOPE={"DEPTH": 2, "MAX_NAMESPACES": 2, "SINKS": {"default": sink}}):
            cache = caches["default"]
            for key in ["user:1:a", "user:1:b", "user:2:a", "cart:9", "misc"]:
                cache.get(key)
            runtime.flush()
            self.assertEqual(support.totals(support.file_records(os.path.join(sink, "default"))),
                             {"user:1": {"k": "key", "m": 2}, "user:2": {"k": "key", "m": 1},
                              "(other)": {"k": "other", "m": 2}})


if __name__ == "__main__":
    unittest.main()
