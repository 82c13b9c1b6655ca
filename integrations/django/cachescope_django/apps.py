from django.apps import AppConfig


class CachescopeConfig(AppConfig):
    name = "cachescope_django"
    default_auto_field = "django.db.models.AutoField"
    verbose_name = "Cachescope companion"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system check)
        from .runtime import install

        install()
