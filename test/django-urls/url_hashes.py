"""Real Django's cache_page URL hash for URLs as a browser sends them: the fixture of lib/django/page-keys.test.ts.

    node -e '<see lib/django/page-keys.test.ts>' | /usr/bin/python3 test/django-urls/url_hashes.py > lib/django/page-keys.fixture.json

stdin: a JSON list of {"url", "scheme", "host", "target"}: the URL as typed, and the scheme, Host header and request
target (path?query) the WHATWG URL parser, like a browser, sends for it. RequestFactory builds the WSGI environ the
way a server does (PATH_INFO percent-decoded, QUERY_STRING as sent); Django's own _generate_cache_header_key hashes it.
"""
import json
import re
import sys

import django
from django.conf import settings

settings.configure(ALLOWED_HOSTS=["*"], USE_I18N=False, USE_TZ=False)
django.setup()

from django.test import RequestFactory  # noqa: E402
from django.utils.cache import _generate_cache_header_key  # noqa: E402

out = []
for case in json.load(sys.stdin):
    request = RequestFactory().get(case["target"], HTTP_HOST=case["host"], secure=case["scheme"] == "https")
    key = _generate_cache_header_key("", request)
    out.append({
        "url": case["url"],
        "absoluteUri": request.build_absolute_uri(),
        "md5": re.match(r"views\.decorators\.cache\.cache_header\.\.([0-9a-f]{32})$", key).group(1),
        "django": django.get_version(),
    })
json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
print()
