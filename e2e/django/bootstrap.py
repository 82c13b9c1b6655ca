"""Import first: configures Django with the e2e site's settings (the scripts' own folder is on sys.path)."""
import os

import django

os.environ["DJANGO_SETTINGS_MODULE"] = "shop.settings"
django.setup()
