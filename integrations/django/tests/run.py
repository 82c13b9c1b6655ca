"""Runs the companion's tests: /usr/bin/python3 integrations/django/tests/run.py [--report FILE]

Starts and stops its own redis-server and memcached (ports in support.py). Ends with "python: N passed, N failed,
N skipped"; --report also writes {"tool": "unittest", "passed", "failed", "skipped"} for scripts/test-summary.mjs.
"""
import argparse
import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--report", help="where to write the JSON counts")
    parser.add_argument("pattern", nargs="?", default="test*.py")
    args = parser.parse_args()
    sys.path.insert(0, HERE)
    suite = unittest.defaultTestLoader.discover(HERE, pattern=args.pattern, top_level_dir=HERE)
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    skipped = len(result.skipped)
    # A module that failed to import shows up as an error of a synthetic test: it counts as a failure.
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - failed - skipped - len(result.expectedFailures)
    if args.report:
        with open(args.report, "w") as handle:
            json.dump({"tool": "unittest", "passed": passed, "failed": failed, "skipped": skipped}, handle)
    print("python: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 0 if failed == 0 and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
