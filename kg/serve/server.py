"""Run the WSGI app on a threaded ``wsgiref`` server (standard library only).

Each request gets its own thread; the queries themselves run in worker processes, so a slow query
never keeps the server from answering. For production, run :class:`kg.serve.app.App` under any WSGI
server behind a reverse proxy; this server is what ``kg serve`` starts.
"""
from __future__ import annotations

import logging
import signal
import socketserver
import sys
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from .app import App

log = logging.getLogger("kg.serve")


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


class Handler(WSGIRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        log.info("%s %s", self.address_string(), format % args)


def run(app: App, host: str, port: int, *, announce=print) -> None:
    """Start the workers, then serve until interrupted (Ctrl-C or SIGTERM); stop the workers on the way out."""
    def stop(signum, frame):
        raise KeyboardInterrupt
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    previous = signal.signal(signal.SIGTERM, stop)
    try:
        app.start()
        with make_server(host, port, app, server_class=ThreadingWSGIServer, handler_class=Handler) as httpd:
            url = f"http://{host if ':' not in host else f'[{host}]'}:{httpd.server_port}/"
            announce(f"kg: serving {url} (SPARQL endpoint {url}sparql); press Ctrl-C to stop")
            sys.stdout.flush()
            httpd.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        app.close()
        signal.signal(signal.SIGTERM, previous)
