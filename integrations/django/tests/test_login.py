"""Sign in with Django: who gets an assertion, what it says, how it is signed, and that each is new."""
import base64
import hashlib
import hmac
import json
import time
import unittest
from urllib.parse import parse_qs, urlsplit

from support import LOGIN_SECRET, setup_django

setup_django()

from django.contrib.auth.models import AnonymousUser, Permission, User  # noqa: E402
from django.core.exceptions import ImproperlyConfigured  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import RequestFactory, override_settings  # noqa: E402

from cachescope_django import views  # noqa: E402
from cachescope_django.assertion import login_settings  # noqa: E402


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class LoginViewTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        call_command("migrate", verbosity=0, interactive=False)
        make = User.objects.create_user
        perm = lambda codename: Permission.objects.get(content_type__app_label="cachescope_django", codename=codename)  # noqa: E731
        cls.admin = make("ada", password="x", is_staff=True)
        cls.admin.user_permissions.add(perm("invalidate_cache"))
        cls.viewer = make("vic", password="x", is_staff=True)
        cls.viewer.user_permissions.add(perm("view_cache"))
        cls.staff_without = make("sam", password="x", is_staff=True)
        cls.not_staff = make("nat", password="x")
        cls.not_staff.user_permissions.add(perm("invalidate_cache"))
        cls.root = User.objects.create_superuser("root", password="x")
        cls.inactive = make("ina", password="x", is_staff=True, is_active=False)
        cls.inactive.user_permissions.add(perm("invalidate_cache"))

    @classmethod
    def tearDownClass(cls):
        User.objects.all().delete()

    def get(self, user, query=""):
        request = RequestFactory().get("/cachescope/login/" + query)
        # Fresh from the database: permission caches of earlier requests do not carry over.
        request.user = User.objects.get(pk=user.pk) if user is not None else AnonymousUser()
        return views.login(request)

    def assertion_of(self, response):
        self.assertEqual(response.status_code, 302)
        url = urlsplit(response["Location"])
        self.assertEqual((url.scheme, url.netloc, url.path), ("http", "console.test:3000", "/api/login/django"))
        return parse_qs(url.query)

    def payload(self, assertion):
        text, mac = assertion.split(".")
        expected = hmac.new(LOGIN_SECRET.encode(), text.encode(), hashlib.sha256).digest()
        self.assertTrue(hmac.compare_digest(unb64(mac), expected), "signed with CACHESCOPE['DJANGO_SECRET']")
        return json.loads(unb64(text))

    def test_the_permissions_exist_after_migrate(self):
        codenames = set(Permission.objects.filter(content_type__app_label="cachescope_django").values_list("codename", flat=True))
        self.assertEqual(codenames, {"view_cache", "invalidate_cache"})

    def test_staff_with_invalidate_is_an_admin_and_the_assertion_says_who(self):
        before = int(time.time())
        payload = self.payload(self.assertion_of(self.get(self.admin))["assertion"][0])
        self.assertEqual(payload["uid"], str(self.admin.pk))
        self.assertEqual(payload["username"], "ada")
        self.assertEqual(payload["role"], "admin")
        self.assertEqual(payload["aud"], "http://console.test:3000/")
        self.assertGreaterEqual(payload["iat"], before)
        self.assertLessEqual(payload["exp"] - payload["iat"], 60)
        self.assertGreater(payload["exp"], payload["iat"])
        self.assertRegex(payload["nonce"], r"^[A-Za-z0-9_-]{16,64}$")

    def test_view_permission_makes_a_viewer_and_a_superuser_an_admin(self):
        self.assertEqual(self.payload(self.assertion_of(self.get(self.viewer))["assertion"][0])["role"], "viewer")
        self.assertEqual(self.payload(self.assertion_of(self.get(self.root))["assertion"][0])["role"], "admin")

    def test_each_assertion_has_a_new_nonce(self):
        nonces = {self.payload(self.assertion_of(self.get(self.admin))["assertion"][0])["nonce"] for _ in range(50)}
        self.assertEqual(len(nonces), 50)

    def test_refused_with_a_plain_message_without_staff_permission_or_activity(self):
        for user in (self.staff_without, self.not_staff, self.inactive):
            response = self.get(user)
            self.assertEqual(response.status_code, 403, user.username)
            self.assertTrue(response["Content-Type"].startswith("text/plain"))
            self.assertIn(b"is_staff", response.content)
            self.assertNotIn("Location", response)

    def test_anonymous_goes_to_the_django_login_page(self):
        response = self.get(None, "?next=/caches/default")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/accounts/login/?next="), response["Location"])

    def test_next_passes_a_path_only_and_nothing_is_cached(self):
        response = self.get(self.admin, "?next=/caches/default")
        self.assertEqual(self.assertion_of(response)["next"], ["/caches/default"])
        self.assertIn("no-cache", response["Cache-Control"])
        self.assertNotIn("next", self.assertion_of(self.get(self.admin, "?next=//evil.example/"))) 

    def test_a_short_or_missing_secret_or_bad_console_url_is_improperly_configured(self):
        for cachescope, needle in (
            ({"DJANGO_SECRET": "x" * 31, "CONSOLE_URL": "http://c"}, "31 bytes long"),
            ({"CONSOLE_URL": "http://c"}, "is unset"),
            ({"DJANGO_SECRET": "x" * 32, "CONSOLE_URL": "console.test"}, "CONSOLE_URL"),
        ):
            with override_settings(CACHESCOPE=cachescope):
                with self.assertRaisesRegex(ImproperlyConfigured, needle):
                    login_settings()
                with self.assertRaises(ImproperlyConfigured):
                    self.get(self.admin)


if __name__ == "__main__":
    unittest.main()
