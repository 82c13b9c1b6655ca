"""The two permissions "Sign in with Django" grants by. The model has no table (managed = False): it exists only so
that Django creates the permissions (by the migration) for the admin's user and group pages."""
from django.db import models


class CacheAccess(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_cache", "Can view caches in Cachescope"),
            ("invalidate_cache", "Can view and invalidate caches in Cachescope"),
        ]
