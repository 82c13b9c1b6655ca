"""`manage.py check` (and runserver, migrate) repeat what the companion logs at start: settings it could not use and
caches whose calls are not counted."""
from django.core.checks import Tags, Warning, register

from .runtime import runtime


@register(Tags.caches)
def check_counting(app_configs, **kwargs):
    runtime.build()
    return [
        Warning(problem, id="cachescope_django.W001" if problem.startswith("CACHESCOPE") else "cachescope_django.W002")
        for problem in runtime.problems
    ]
