"""URLs for the view-namespace tests: a namespaced route, an unnamed one, and cache_page on both."""
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.cache import cache_page


def product_list(request):
    return HttpResponse("products")


def unnamed(request):
    return HttpResponse("unnamed")


def plain(request):
    return HttpResponse("plain")


api_patterns = ([path("products/", cache_page(60, cache="pages")(product_list), name="product-list")], "api")

urlpatterns = [
    path("api/", include(api_patterns)),
    path("unnamed/", cache_page(60, cache="pages")(unnamed)),
    path("plain/", plain, name="plain"),
]
