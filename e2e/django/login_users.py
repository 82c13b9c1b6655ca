"""Makes the e2e users of Sign in with Django in a fresh sqlite file (settings_login.py), printing nothing on success.

    CACHESCOPE_E2E_LOGIN_DB=.run/e2e-login.sqlite3 ... /usr/bin/python3 e2e/django/login_users.py

olga: staff, view and invalidate; vera: staff, view only; pete: staff without either permission.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings_login")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Permission, User  # noqa: E402
from django.core.management import call_command  # noqa: E402

PASSWORD = "e2e-password-0123"

call_command("migrate", verbosity=0, interactive=False)
User.objects.all().delete()
perm = {p.codename: p for p in Permission.objects.filter(content_type__app_label="cachescope_django")}
for username, codename in (("olga", "invalidate_cache"), ("vera", "view_cache"), ("pete", None)):
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    if codename:
        user.user_permissions.add(perm[codename])
