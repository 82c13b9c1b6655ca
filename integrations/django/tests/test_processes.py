"""Many processes: fork, two processes appending to one bucket, the flusher thread, the flush at exit."""
import json
import os
import signal
import subprocess
import sys
import threading
import time
import unittest

import support

support.setup_django()

from django.core.cache import caches  # noqa: E402
from django.test import SimpleTestCase, override_settings  # noqa: E402

from cachescope_django.runtime import runtime  # noqa: E402

WORKER = os.path.join(support.HERE, "worker.py")


def run_workers(specs, timeout=60):
    processes = [subprocess.Popen([sys.executable, WORKER, json.dumps(spec)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for spec in specs]
    pids = []
    for process in processes:
        out, err = process.communicate(timeout=timeout)
        if process.returncode != 0:
            raise AssertionError("worker exited %s: %s" % (process.returncode, err.decode()[-2000:]))
        pids.append(int(out.split()[0]))
    return pids


def many_namespaces(alias, n):
    return [[alias, "get", "ns%d:x" % i] for i in range(n)]


class Fork(SimpleTestCase):
    def test_a_forked_child_counts_and_flushes_only_its_own_calls(self):
        sink = support.temp_dir(self)
        with override_settings(CACHES={"default": {"BACKEND": support.LOCMEM}},
                               CACHESCOPE={"FLUSH_INTERVAL": 3600, "SINKS": {"default": sink}}):
            cache = caches["default"]
            cache.get("parent:1")
            # A lock held by another thread at fork time must not be inherited held.
            held = threading.Event()
            release = threading.Event()
            state = runtime.state_for("default")

            def hold_lock():
                with state.counters.lock:
                    held.set()
                    release.wait(5)

            holder = threading.Thread(target=hold_lock)
            holder.start()
            held.wait(5)
            pid = os.fork()
            if pid == 0:
                code = 1
                signal.alarm(10)  # a lock inherited held would hang the child: fail instead
                try:
                    cache.get("child:1")
                    cache.get("child:2")
                    started = runtime.thread is not None and runtime.thread.is_alive()
                    code = 0 if runtime.flush() == 1 and started else 2
                finally:
                    os._exit(code)
            release.set()
            holder.join()
            _, status = os.waitpid(pid, 0)
            self.assertEqual(os.waitstatus_to_exitcode(status), 0)
            cache.get("parent:2")
            runtime.flush()
        records = [r for rs in support.file_records(os.path.join(sink, "default")).values() for r in rs]
        by_pid = {record["pid"]: {name: {k: v for k, v in counters.items() if k in ("k", "m")}
                                  for name, counters in record["ns"].items()} for record in records}
        self.assertEqual([sum(record["ns"][name]["lg"]) for record in records for name in record["ns"]], [2, 2])
        self.assertEqual(by_pid, {pid: {"child": {"k": "key", "m": 2}},
                                  os.getpid(): {"parent": {"k": "key", "m": 2}}})


class Processes(unittest.TestCase):
    def test_two_processes_append_to_one_bucket_without_tearing_records(self):
        sink = support.temp_dir(self)
        support.wait_until_not_near_bucket_edge()
        spec = {"caches": {"default": {"BACKEND": support.LOCMEM}},
                "cachescope": {"FLUSH_INTERVAL": 3600, "SINKS": {"default": sink}},
                "ops": many_namespaces("default", 500), "rounds": 20, "flush_each_round": True,
                "start_at": time.time() + 1.5}
        pids = run_workers([spec, spec])
        buckets = support.file_records(os.path.join(sink, "default"))
        records = [record for bucket in buckets.values() for record in bucket]
        self.assertEqual(sorted({record["pid"] for record in records}), sorted(pids))
        self.assertEqual(len(records), 40)
        self.assertEqual(len(buckets), 1, "both processes started well inside one 10-s bucket")
        self.assertEqual(support.totals(buckets)["ns7"], {"k": "key", "m": 40})

    def test_the_flusher_thread_flushes_every_interval(self):
        sink = support.temp_dir(self)
        spec = {"caches": {"default": {"BACKEND": support.LOCMEM}},
                "cachescope": {"FLUSH_INTERVAL": 0.2, "SINKS": {"default": sink}},
                "ops": [["default", "get", "a:1"]], "sleep": 3, "hard_exit": True}
        run_workers([spec])
        self.assertEqual(support.totals(support.file_records(os.path.join(sink, "default"))),
                         {"a": {"k": "key", "m": 1}})

    def test_counts_are_flushed_at_exit(self):
        sink = support.temp_dir(self)
        spec = {"caches": {"default": {"BACKEND": support.LOCMEM}},
                "cachescope": {"FLUSH_INTERVAL": 3600, "SINKS": {"default": sink}},
                "ops": [["default", "set", "a:1"], ["default", "get", "a:1"]]}
        run_workers([spec])
        self.assertEqual(support.totals(support.file_records(os.path.join(sink, "default"))),
                         {"a": {"k": "key", "h": 1, "s": 1}})

    def test_a_process_that_never_counts_starts_no_thread_and_writes_nothing(self):
        sink = support.temp_dir(self)
        spec = {"caches": {"default": {"BACKEND": support.LOCMEM}},
                "cachescope": {"FLUSH_INTERVAL": 0.1, "SINKS": {"default": sink}}, "ops": [], "sleep": 0.5}
        run_workers([spec])
        self.assertEqual(os.listdir(sink), [])


class FileBuckets(SimpleTestCase):
    def test_buckets_older_than_three_hours_are_removed(self):
        files = support.temp_dir(self)
        with override_settings(CACHES={"default": {"BACKEND": support.FILEBASED, "LOCATION": files}},
                               CACHESCOPE={"FLUSH_INTERVAL": 3600}):
            directory = os.path.join(files, ".cachescope", "default")
            os.makedirs(directory)
            now = int(time.time()) // 10 * 10
            for name in ("%d.jsonl" % (now - 10800 - 10), "%d.jsonl" % (now - 3600), "notes.txt"):
                with open(os.path.join(directory, name), "w") as handle:
                    handle.write("")
            caches["default"].get("x")
            runtime.flush()
            left = sorted(os.listdir(directory))
        self.assertNotIn("%d.jsonl" % (now - 10800 - 10), left)
        self.assertIn("%d.jsonl" % (now - 3600), left)
        self.assertIn("notes.txt", left)

    def test_a_failed_write_keeps_the_counts_for_the_next_flush(self):
        base = support.temp_dir(self)
        sink = os.path.join(base, "sink")
        with open(sink, "w") as handle:  # a file where the directory should be: every write fails
            handle.write("in the way")
        with override_settings(CACHES={"default": {"BACKEND": support.LOCMEM}},
                               CACHESCOPE={"FLUSH_INTERVAL": 3600, "SINKS": {"default": sink}}):
            cache = caches["default"]
            cache.get("a:1")
            with self.assertLogs("cachescope_django", "WARNING") as logged:
                self.assertEqual(runtime.flush(), 0)
                cache.get("a:2")
                self.assertEqual(runtime.flush(), 0)
            self.assertEqual(len(logged.output), 1, "one warning until it works again")
            self.assertIn("cannot write the counters of cache 'default'", logged.output[0])
            os.unlink(sink)
            cache.get("b:1")
            self.assertEqual(runtime.flush(), 1)
        self.assertEqual(support.totals(support.file_records(os.path.join(sink, "default"))),
                         {"a": {"k": "key", "m": 2}, "b": {"k": "key", "m": 1}})


if __name__ == "__main__":
    unittest.main()
