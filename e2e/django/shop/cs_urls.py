"""The e2e site's URLs plus the companion spec's /cs/<alias>/... views (route names in the "cs" namespace)."""
from django.conf import settings
from django.urls import include, path

from . import cs_views
from .urls import urlpatterns as shop_urlpatterns

CS_ALIASES = [alias for alias in settings.CACHES if alias.startswith("cs_")]

cs_patterns = [path("health/", cs_views.health, name="health")]
for alias in CS_ALIASES:
    cs_patterns += [
        path(f"{alias}/products/", cs_views.product_list(alias), name="product-list"),
        path(f"{alias}/fragment/", cs_views.fragment, {"alias": alias}, name="fragment"),
        path(f"{alias}/session/", cs_views.session, {"alias": alias}, name="session"),
        path(f"{alias}/catalog/<str:item>/", cs_views.catalog, {"alias": alias}, name="catalog"),
        path(f"{alias}/catalog/<str:item>/drop/", cs_views.catalog_drop, {"alias": alias}, name="catalog-drop"),
        path(f"{alias}/timing/page/", cs_views.timing_page(alias), name="timing-page"),
        path(f"{alias}/timing/key/<str:item>/", cs_views.timing_key, {"alias": alias}, name="timing-key"),
        path(f"{alias}/timing/gos/<str:item>/", cs_views.timing_get_or_set, {"alias": alias}, name="timing-gos"),
    ]

urlpatterns = [path("cs/", include((cs_patterns, "cs"), namespace="cs"))] + shop_urlpatterns
