"""A pool of query worker processes, each request under a time limit; a worker over its limit is killed.

Workers are started with the ``spawn`` method (safe in a threaded server) and each opens the store
read-only. :meth:`WorkerPool.submit` hands a message to an idle worker and waits at most *timeout*
seconds for the answer; past that it kills the worker (SIGKILL: a query cannot be interrupted
otherwise), answers 503 and starts a replacement in the background. Requests that find every worker
busy wait for one, up to the same time limit, and are then answered 503 as well.
"""
from __future__ import annotations

import logging
import os
import multiprocessing
import queue
import threading
import time
from typing import Any

from . import worker as kgworker
from .worker import Reply, SparqlRequest

log = logging.getLogger("kg.serve")
_SPAWN = multiprocessing.get_context("spawn")
START_TIMEOUT = 60.0


class _Worker:
    def __init__(self, spec: dict, max_rows: int, memory_mb: int | None, name: str):
        self.conn, child = _SPAWN.Pipe()
        self.process = _SPAWN.Process(target=kgworker.main, args=(child, spec, max_rows, memory_mb, os.getpid()),
                                      name=name, daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self) -> str:
        if not self.conn.poll(START_TIMEOUT):
            return "did not start in time"
        try:
            return self.conn.recv()
        except (EOFError, OSError) as exc:
            return f"died while starting: {exc}"

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """*size* workers over the backend described by *spec* (see :func:`kg.serve.worker.make_backend`)."""

    def __init__(self, spec: dict, *, size: int = 2, timeout: float = 10.0, max_rows: int = 10_000,
                 memory_mb: int | None = None, name: str = "kg-worker"):
        self.spec, self.size, self.timeout, self.max_rows = spec, size, timeout, max_rows
        self.memory_mb, self.name = memory_mb, name
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        # Workers are started from one long-lived thread: a worker asks to be killed when the thread that
        # started it ends (PR_SET_PDEATHSIG), so that it never outlives a server that was itself killed.
        self._spawn_requests: queue.Queue[queue.Queue | None] = queue.Queue()
        self._spawner = threading.Thread(target=self._spawn_loop, name=f"{name}-spawner", daemon=True)
        self._spawner.start()
        self.kills = 0
        self.failures: list[str] = []

    def start(self, *, wait: bool = True) -> None:
        """Start the workers (in parallel); with *wait*, return when all are ready or have failed."""
        threads = [threading.Thread(target=self._add_worker, daemon=True) for _ in range(self.size)]
        for thread in threads:
            thread.start()
        if wait:
            for thread in threads:
                thread.join()

    def _spawn_loop(self) -> None:
        while (box := self._spawn_requests.get()) is not None:
            try:
                box.put(_Worker(self.spec, self.max_rows, self.memory_mb, self.name))
            except Exception as exc:  # noqa: BLE001 - handed to the thread that asked
                box.put(exc)

    def _add_worker(self) -> None:
        if self._closed:
            return
        started = time.monotonic()
        box: queue.Queue = queue.Queue(1)
        self._spawn_requests.put(box)
        candidate = box.get()
        if isinstance(candidate, Exception):
            self.failures.append(str(candidate))
            log.error("%s: could not start a worker: %s", self.name, candidate)
            return
        with self._lock:
            self._all.add(candidate)
        status = candidate.wait_ready()
        if status != "ready":
            self.failures.append(status)
            log.error("%s: a worker could not start: %s", self.name, status)
            self._discard(candidate)
            return
        log.debug("%s: worker %s ready in %.2f s", self.name, candidate.process.pid, time.monotonic() - started)
        self._idle.put(candidate)

    def _discard(self, item: _Worker) -> None:
        item.kill()
        with self._lock:
            self._all.discard(item)

    def _replace(self, item: _Worker) -> None:
        self._discard(item)
        threading.Thread(target=self._add_worker, daemon=True).start()

    def submit(self, kind: str, payload: Any, *, timeout: float | None = None) -> Reply:
        """Run one message (``("sparql", SparqlRequest)`` or ``("call", (name, kwargs))``) on a worker."""
        limit = timeout or self.timeout
        try:
            item = self._idle.get(timeout=limit)
        except queue.Empty:
            reason = f"; workers failed to start: {self.failures[-1]}" if self.failures else ""
            return Reply.error(503, f"all {self.size} query workers are busy; try again later{reason}")
        try:
            item.conn.send((kind, payload))
            if item.conn.poll(limit):
                reply = item.conn.recv()
                self._idle.put(item)
                return reply
        except (EOFError, OSError) as exc:
            self._replace(item)
            return Reply.error(503, f"the query worker stopped ({exc or 'out of memory?'}); the query was not answered")
        self.kills += 1
        log.warning("%s: killed worker %s after %.1f s", self.name, item.process.pid, limit)
        self._replace(item)
        return Reply.error(503, f"the query did not finish within {limit:g} s, the time limit of this endpoint, "
                                f"and was stopped")

    def sparql(self, request: SparqlRequest, **options) -> Reply:
        return self.submit("sparql", request, **options)

    def call(self, name: str, **kwargs) -> Reply:
        return self.submit("call", (name, kwargs))

    def close(self) -> None:
        self._closed = True
        self._spawn_requests.put(None)
        with self._lock:
            items = list(self._all)
        for item in items:
            self._discard(item)
