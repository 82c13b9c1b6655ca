"""Namespaces from keys, as docs/COUNTERS_FORMAT.md ("Namespaces") defines them."""
import time
import tracemalloc
import unittest

import support

support.setup_django()

from cachescope_django.keys import Classifier, RequestContext, clear_resolve_cache, current_request  # noqa: E402

HASH = "d41d8cd98f00b204e9800998ecf8427e"


class PlainKeys(unittest.TestCase):
    def test_first_segment_split_on_colon_and_dot(self):
        classify = Classifier(1)
        self.assertEqual(classify("user:42:profile"), ("user", "key"))
        self.assertEqual(classify("shop.cart:7"), ("shop", "key"))
        self.assertEqual(classify("plain"), ("plain", "key"))
        self.assertEqual(classify(""), ("", "key"))
        self.assertEqual(classify(":x"), ("", "key"))

    def test_depth_keeps_the_separators_between_segments(self):
        self.assertEqual(Classifier(2)("user:42:profile"), ("user:42", "key"))
        self.assertEqual(Classifier(2)("shop.cart:7:x"), ("shop.cart", "key"))
        self.assertEqual(Classifier(3)("user:42"), ("user:42", "key"))
        self.assertEqual(Classifier(3)("a.b.c.d"), ("a.b.c", "key"))

    def test_keys_that_are_not_strings(self):
        self.assertEqual(Classifier(1)(42), ("42", "key"))
        self.assertEqual(Classifier(1)(("t", 1)), ("('t', 1)", "key"))

    def test_long_names_are_cut_to_200_characters(self):
        name, _ = Classifier(1)("x" * 5000 + ":tail")
        self.assertEqual(name, "x" * 200)
        name, kind = Classifier(1)("template.cache." + "f" * 500 + "." + HASH)
        self.assertEqual((len(name), kind), (200, "fragment"))

    def test_hostile_keys_cost_little(self):
        # 20,000 keys of 100 KB without a separator: linear work, nothing kept.
        classify = Classifier(16)
        keys = ["k%d" % i + "z" * 100_000 for i in range(20)] * 1000
        tracemalloc.start()
        started = time.perf_counter()
        for key in keys:
            classify(key)
        took = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print("\n  classify: 20,000 keys of 100 KB in %.3f s, peak %d KiB" % (took, peak // 1024))
        self.assertLess(took, 20)
        self.assertLess(peak, 2 * 1024 * 1024)


class DjangoKeys(unittest.TestCase):
    def test_fragments_keep_dots_in_their_names(self):
        classify = Classifier(1)
        self.assertEqual(classify("template.cache.sidebar." + HASH), ("fragment:sidebar", "fragment"))
        self.assertEqual(classify("template.cache.side.bar." + HASH), ("fragment:side.bar", "fragment"))
        self.assertEqual(classify("template.cache.odd"), ("fragment:odd", "fragment"))

    def test_sessions(self):
        classify = Classifier(1)
        self.assertEqual(classify("django.contrib.sessions.cacheabc123"), ("session", "session"))
        self.assertEqual(classify("django.contrib.sessions.cached_dbabc123"), ("session", "session"))

    def test_pages_outside_a_request(self):
        classify = Classifier(1)
        self.assertEqual(classify("views.decorators.cache.cache_page..GET.%s.%s.en-us.UTC" % (HASH, HASH)),
                         ("page", "page"))
        self.assertEqual(classify("views.decorators.cache.cache_header..%s.en-us.UTC" % HASH), ("page", "page"))


class ViewOfTheRequest(unittest.TestCase):
    page_key = "views.decorators.cache.cache_page.shop.GET.%s.%s" % (HASH, HASH)
    header_key = "views.decorators.cache.cache_header.shop.%s" % HASH

    def classify_during(self, path):
        token = current_request.set(RequestContext(path))
        try:
            return Classifier(1)(self.page_key), Classifier(1)(self.header_key)
        finally:
            current_request.reset(token)

    def setUp(self):
        clear_resolve_cache()

    def test_a_named_route_with_its_namespace(self):
        self.assertEqual(self.classify_during("/api/products/"), (("api:product-list", "view"),) * 2)

    def test_an_unnamed_route_by_its_view_path(self):
        self.assertEqual(self.classify_during("/unnamed/"), (("cs_urls.unnamed", "view"),) * 2)

    def test_a_path_that_resolves_to_nothing(self):
        self.assertEqual(self.classify_during("/nowhere/"), (("page", "page"),) * 2)

    def test_other_keys_do_not_depend_on_the_request(self):
        token = current_request.set(RequestContext("/api/products/"))
        try:
            self.assertEqual(Classifier(1)("user:1"), ("user", "key"))
            self.assertEqual(Classifier(1)("template.cache.nav." + HASH), ("fragment:nav", "fragment"))
        finally:
            current_request.reset(token)


if __name__ == "__main__":
    unittest.main()
