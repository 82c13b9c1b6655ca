"""Views the companion spec drives: each does one kind of cache work on the alias its URL names, so every
namespace's hits, misses and sets follow from the requests made (e2e/companion-plan.ts lists them). Keys carry the
spec run's id (?run= in cache_page's URL and the fragment's vary-on, the catalog item), so every run starts cold."""
import time

from django.core.cache import caches
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import cache_page
from rest_framework.decorators import api_view
from rest_framework.response import Response

from .views import PRODUCTS


def health(request):
    return HttpResponse("ok")


def product_list(alias):
    """A DRF view under cache_page on `alias`: a miss reads the header key (1 miss) and sets it and the page (2 sets);
    a hit reads both (2 hits)."""

    @cache_page(600, cache=alias)
    @api_view(["GET"])
    def view(request):
        return Response({"alias": alias, "results": PRODUCTS})

    return view


def fragment(request, alias):
    # The fragment varies on ?run= (each spec run its own entry). No request context: nothing but the {% cache %} tag
    # touches a cache (no session, no user).
    context = {"alias": alias, "run": request.GET.get("run", ""), "products": PRODUCTS}
    return HttpResponse(render_to_string("shop/cs_fragment.html", context))


def session(request, alias):
    request.session["visits"] = request.session.get("visits", 0) + 1
    return JsonResponse({"visits": request.session["visits"]})


def catalog(request, alias, item):
    cache = caches[alias]
    key = f"catalog:{item}"
    value = cache.get(key)
    if value is None:
        value = {"item": item}
        cache.set(key, value, 600)
    return JsonResponse(value)


def catalog_drop(request, alias, item):
    caches[alias].delete(f"catalog:{item}")
    return JsonResponse({"dropped": item})


# Timing (lib/namespaces/timing.int.test.ts): each view does a known amount of work on a miss, so the recompute cost
# the companion measures can be checked against it.
PAGE_WORK_S = 0.2
KEY_WORK_S = 0.15
GET_OR_SET_WORK_S = 0.15


def timing_page(alias):
    """cache_page: the view's time on a miss is the recompute cost."""

    @cache_page(600, cache=alias)
    def view(request):
        time.sleep(PAGE_WORK_S)
        return HttpResponse("page")

    return view


def timing_key(request, alias, item):
    """A miss, the work, then the set of the same key: the gap is the recompute cost."""
    cache = caches[alias]
    key = f"slowkey:{item}"
    value = cache.get(key)
    if value is None:
        time.sleep(KEY_WORK_S)
        value = {"item": item}
        cache.set(key, value, 600)
    return JsonResponse(value)


def timing_get_or_set(request, alias, item):
    """get_or_set: its callable's duration is the recompute cost."""

    def compute():
        time.sleep(GET_OR_SET_WORK_S)
        return {"item": item}

    return JsonResponse(caches[alias].get_or_set(f"slowgos:{item}", compute, 600))
