"""Optional: path("cachescope/", include("cachescope_django.urls")) adds Sign in with Django at cachescope/login/.

Including it checks the settings at once: a missing or short CACHESCOPE["DJANGO_SECRET"] stops `manage.py check`,
runserver and the first request with ImproperlyConfigured, saying why.
"""
from django.urls import path

from . import views
from .assertion import login_settings

login_settings()

app_name = "cachescope"
urlpatterns = [path("login/", views.login, name="login")]
