# Creates no table (an unmanaged model): migrating it only makes Django create the companion's two permissions.
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="CacheAccess",
            fields=[("id", models.AutoField(primary_key=True, serialize=False))],
            options={
                "managed": False,
                "default_permissions": (),
                "permissions": [
                    ("view_cache", "Can view caches in Cachescope"),
                    ("invalidate_cache", "Can view and invalidate caches in Cachescope"),
                ],
            },
        ),
    ]
