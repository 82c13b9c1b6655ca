"""One worker process of the e2e site with the companion installed, on the stdlib's WSGI server.

    PYTHONPATH=integrations/django /usr/bin/python3 e2e/django/serve.py --port 3111

e2e/companion.spec.ts starts two of these (two processes, one shared cache) and stops them by pid with SIGTERM,
which exits normally so the companion's exit flush runs. Run from the project root: FileBasedCache LOCATIONs are
relative to it, as for the console.
"""
import argparse
import os
import signal
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings_companion")

from django.core.wsgi import get_wsgi_application  # noqa: E402


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()

    application = get_wsgi_application()
    # SystemExit from the handler unwinds serve_forever, so atexit handlers (the companion's last flush) run.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    with make_server("127.0.0.1", args.port, application, handler_class=QuietHandler) as server:
        print(f"e2e django worker {os.getpid()} on port {args.port}", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
