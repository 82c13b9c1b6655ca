"""The CACHESCOPE setting: defaults, and every bad value named with what was expected."""
import unittest

import support

support.setup_django()

from cachescope_django.conf import read_config  # noqa: E402

ALIASES = ["default", "local", "files"]


class Settings(unittest.TestCase):
    def test_defaults(self):
        config = read_config(None, ALIASES)
        self.assertEqual((config.enabled, config.flush_interval, config.depth, config.max_namespaces, config.sinks),
                         (True, 10.0, 1, 500, {}))
        self.assertEqual(config.problems, [])

    def test_good_values(self):
        config = read_config({"ENABLED": False, "FLUSH_INTERVAL": 2.5, "DEPTH": 2, "MAX_NAMESPACES": 50,
                              "SINKS": {"local": "files", "default": "/var/tmp/cs"}}, ALIASES)
        self.assertEqual((config.enabled, config.flush_interval, config.depth, config.max_namespaces),
                         (False, 2.5, 2, 50))
        self.assertEqual(config.sinks, {"local": "files", "default": "/var/tmp/cs"})
        self.assertEqual(config.problems, [])

    def test_bad_values_fall_back_and_are_named(self):
        config = read_config({"ENABLED": "yes", "FLUSH_INTERVAL": 0, "DEPTH": True, "MAX_NAMESPACES": 10**6,
                              "COLOR": 1, "SINKS": {"nope": "files", "local": "relative/dir", "files": "files",
                                                    "default": 3}}, ALIASES)
        self.assertEqual((config.enabled, config.flush_interval, config.depth, config.max_namespaces, config.sinks),
                         (True, 10.0, 1, 500, {}))
        text = "\n".join(config.problems)
        for expected in ("CACHESCOPE['COLOR']: unknown setting", "CACHESCOPE['ENABLED']: expected True or False",
                         "CACHESCOPE['FLUSH_INTERVAL']: expected seconds", "CACHESCOPE['DEPTH']: expected an integer",
                         "CACHESCOPE['MAX_NAMESPACES']: expected an integer 1-5000",
                         "CACHESCOPE['SINKS']['nope']: no such alias in CACHES",
                         "CACHESCOPE['SINKS']['local']: 'relative/dir' is neither an alias",
                         "CACHESCOPE['SINKS']['files']: an alias cannot be its own sink",
                         "CACHESCOPE['SINKS']['default']: expected another alias or an absolute directory"):
            self.assertIn(expected, text)
        self.assertEqual(len(config.problems), 9)

    def test_not_a_dict(self):
        config = read_config(["x"], ALIASES)
        self.assertEqual(config.problems, ["CACHESCOPE: expected a dict, got list; using the defaults"])


if __name__ == "__main__":
    unittest.main()
