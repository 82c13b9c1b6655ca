"""The view behind "Sign in with Django" (urls.py)."""
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseForbidden, HttpResponseRedirect
from django.views.decorators.cache import never_cache

from .assertion import issue, login_settings, role_of

REFUSED = (
    "Cachescope: this account may not use the cache console. It needs to be active staff (is_staff) with the "
    '"Can view caches in Cachescope" or "Can view and invalidate caches in Cachescope" permission; ask an administrator.\n'
)


@never_cache
def login(request):
    """Staff with a companion permission go to the console with a signed assertion; others are sent to log in or refused."""
    config = login_settings()
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    role = role_of(request.user)
    if role is None:
        return HttpResponseForbidden(REFUSED, content_type="text/plain; charset=utf-8")
    query = {"assertion": issue(request.user, role, config)}
    following = request.GET.get("next", "")
    # Only a path on the console; the console checks it again (safeNext).
    if following.startswith("/") and not following.startswith("//"):
        query["next"] = following
    response = HttpResponseRedirect("%s/api/login/django?%s" % (config.console_url, urlencode(query)))
    # The assertion is in the Location: never in a Referer of the console's pages, never cached.
    response["Referrer-Policy"] = "no-referrer"
    return response
