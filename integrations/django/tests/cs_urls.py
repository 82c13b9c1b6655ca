"""URLs for the view-namespace tests: a namespaced route, an unnamed one, and cache_page on both; a view that does
`work` (set by the timing tests) and renders a TemplateResponse, the site-wide middleware's case."""
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import include, path
from django.views.decorators.cache import cache_page
from django.template import engines


def product_list(request):
    return HttpResponse("products")


def unnamed(request):
    return HttpResponse("unnamed")


def plain(request):
    return HttpResponse("plain")


def work():
    """What the slow views do on a miss: nothing, unless a test sets it."""


def slow(request):
    work()
    return HttpResponse("slow")


def rendered(request):
    work()
    return TemplateResponse(request, engines["django"].from_string("{{ x }}"), {"x": "rendered"})


api_patterns = ([path("products/", cache_page(60, cache="pages")(product_list), name="product-list")], "api")

urlpatterns = [
    path("api/", include(api_patterns)),
    path("unnamed/", cache_page(60, cache="pages")(unnamed)),
    path("plain/", plain, name="plain"),
    path("slow/", cache_page(60, cache="pages")(lambda request: slow(request)), name="slow"),
    path("rendered/", rendered, name="rendered"),
]
