"""The optional CACHESCOPE setting, validated. A bad value is reported and replaced by its default: counting is
never a reason for a site not to start."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

DEFAULT_FLUSH_INTERVAL = 10.0
DEFAULT_DEPTH = 1
DEFAULT_MAX_NAMESPACES = 500
KNOWN = ("ENABLED", "FLUSH_INTERVAL", "DEPTH", "MAX_NAMESPACES", "SINKS", "DJANGO_SECRET", "CONSOLE_URL")


@dataclass
class Config:
    enabled: bool = True
    flush_interval: float = DEFAULT_FLUSH_INTERVAL
    depth: int = DEFAULT_DEPTH
    max_namespaces: int = DEFAULT_MAX_NAMESPACES
    sinks: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def read_config(raw: object, aliases: list[str]) -> Config:
    """raw: settings.CACHESCOPE (or None); aliases: the names in settings.CACHES."""
    config = Config()
    if raw is None:
        return config
    if not isinstance(raw, dict):
        config.problems.append("CACHESCOPE: expected a dict, got %s; using the defaults" % type(raw).__name__)
        return config
    for name in raw:
        if name not in KNOWN:
            config.problems.append("CACHESCOPE[%r]: unknown setting (known: %s)" % (name, ", ".join(KNOWN)))

    enabled = raw.get("ENABLED", True)
    if isinstance(enabled, bool):
        config.enabled = enabled
    else:
        config.problems.append("CACHESCOPE['ENABLED']: expected True or False, got %r" % (enabled,))

    interval = raw.get("FLUSH_INTERVAL", DEFAULT_FLUSH_INTERVAL)
    if isinstance(interval, (int, float)) and not isinstance(interval, bool) and 0 < interval <= 3600:
        config.flush_interval = float(interval)
    else:
        config.problems.append(
            "CACHESCOPE['FLUSH_INTERVAL']: expected seconds in (0, 3600], got %r; using %s"
            % (interval, DEFAULT_FLUSH_INTERVAL)
        )

    depth = raw.get("DEPTH", DEFAULT_DEPTH)
    if _is_int(depth) and 1 <= depth <= 16:
        config.depth = depth
    else:
        config.problems.append("CACHESCOPE['DEPTH']: expected an integer 1-16, got %r; using %s" % (depth, DEFAULT_DEPTH))

    cap = raw.get("MAX_NAMESPACES", DEFAULT_MAX_NAMESPACES)
    if _is_int(cap) and 1 <= cap <= 5000:
        config.max_namespaces = cap
    else:
        config.problems.append(
            "CACHESCOPE['MAX_NAMESPACES']: expected an integer 1-5000 (the console reads at most 5,000 per bucket), "
            "got %r; using %s" % (cap, DEFAULT_MAX_NAMESPACES)
        )

    sinks = raw.get("SINKS", {})
    if not isinstance(sinks, dict):
        config.problems.append("CACHESCOPE['SINKS']: expected a dict {alias: other alias or absolute directory}")
        return config
    for alias, target in sinks.items():
        where = "CACHESCOPE['SINKS'][%r]" % (alias,)
        if alias not in aliases:
            config.problems.append("%s: no such alias in CACHES" % where)
        elif not isinstance(target, str) or not target:
            config.problems.append("%s: expected another alias or an absolute directory, got %r" % (where, target))
        elif target in aliases:
            if target == alias:
                config.problems.append("%s: an alias cannot be its own sink" % where)
            else:
                config.sinks[alias] = target
        elif os.path.isabs(target):
            config.sinks[alias] = target
        else:
            config.problems.append(
                "%s: %r is neither an alias in CACHES nor an absolute directory" % (where, target)
            )
    return config
