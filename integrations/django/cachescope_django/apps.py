from django.apps import AppConfig


class CachescopeConfig(AppConfig):
    name = "cachescope_django"
    verbose_name = "Cachescope companion"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system check)
        from .runtime import install

        install()
