"""Django's login views and the companion's Sign in with Django, as a site adds them (settings_login.py)."""
from django.urls import include, path

urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("cachescope/", include("cachescope_django.urls")),
]
