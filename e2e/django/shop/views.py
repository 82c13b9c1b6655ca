from decimal import Decimal

from django.shortcuts import render
from django.views.decorators.cache import cache_page
from django.views.decorators.vary import vary_on_cookie
from rest_framework.decorators import api_view
from rest_framework.response import Response

PAGE_SIZE = 3
PRODUCTS = [
    {"id": i, "name": f"Product {i}", "price": str(Decimal("9.99") + i)}
    for i in range(1, 2 * PAGE_SIZE + 1)
]


# cache_page outside api_view: the cached object is DRF's rendered Response, as in most DRF projects.
@cache_page(600)
@api_view(["GET"])
def products(request):
    page = int(request.query_params.get("page", "1"))
    start = (page - 1) * PAGE_SIZE
    return Response({"page": page, "results": PRODUCTS[start : start + PAGE_SIZE]})


# vary_on_cookie inside cache_page: the page reads request.user, so each session gets its own cached copy.
@cache_page(600)
@vary_on_cookie
def home(request):
    return render(request, "shop/home.html", {"products": PRODUCTS})
