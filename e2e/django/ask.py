"""Ask Django itself which cache entries it would now miss, and print the answer as JSON.

    /usr/bin/python3 e2e/django/ask.py [--alias default] [--version N]
        [--key KEY ...] [--url URL ...] [--fragment '{"name": "sidebar", "varyOn": ["alice"]}' ...]

--key: missed when cache.has_key(KEY, version) is false (the alias's KEY_PREFIX and VERSION apply, as in the app).
--url: missed when a cookie-less GET of URL would not be served by cache_page: Django finds no cache_header
       entry for it, or no page under the key that entry leads to (django.utils.cache.get_cache_key).
--fragment: missed when the {% cache %} fragment with that name and vary-on values is not in the fragment cache.
Output: {"alias", "missing": [target, ...], "results": [{"type", "target", "missing", "key"}]}, targets as given.
Only reads: nothing is written or deleted.
"""
import argparse
import json
from urllib.parse import urlsplit

import bootstrap  # noqa: F401  (configures Django before the imports below)
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.test import RequestFactory
from django.utils.cache import get_cache_key


def url_cache_key(url, cache):
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    request = RequestFactory().get(path, HTTP_HOST=parts.netloc, secure=parts.scheme == "https")
    return get_cache_key(request, method="GET", cache=cache)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alias", default="default")
    parser.add_argument("--version", type=int, default=None, help="version for --key (default: the alias's VERSION)")
    parser.add_argument("--key", action="append", default=[])
    parser.add_argument("--url", action="append", default=[])
    parser.add_argument("--fragment", action="append", default=[], type=json.loads)
    args = parser.parse_args()
    cache = caches[args.alias]

    results = []
    for key in args.key:
        results.append({"type": "key", "target": key, "key": key, "missing": not cache.has_key(key, version=args.version)})
    for url in args.url:
        page_key = url_cache_key(url, cache)
        missing = page_key is None or cache.get(page_key) is None
        results.append({"type": "url", "target": url, "key": page_key, "missing": missing})
    for fragment in args.fragment:
        key = make_template_fragment_key(fragment["name"], fragment.get("varyOn", []))
        results.append({"type": "fragment", "target": fragment, "key": key, "missing": not cache.has_key(key)})

    missing = [r["target"] for r in results if r["missing"]]
    print(json.dumps({"alias": args.alias, "missing": missing, "results": results}, ensure_ascii=False))


if __name__ == "__main__":
    main()
