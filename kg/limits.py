"""Time and memory budgets for work that input can make arbitrarily expensive.

An ad-hoc SPARQL query (a cartesian product, a property path over a cycle), OWL RL inference
(quadratic or worse on ``owl:sameAs`` chains) and SHACL validation cannot be interrupted from
Python: pyoxigraph, owlrl and pySHACL give no deadline and no memory cap. So kg runs such work
in a forked child process with ``RLIMIT_AS`` set, waits at most the time budget, and kills
the child when it runs out. The parent stays responsive and nothing is half-written: the
limited work only computes (a store is written by the parent, after the work returned).

Budgets are settings (:data:`kg.config.SETTINGS`): ``KG_QUERY_TIMEOUT``,
``KG_INFERENCE_TIMEOUT``, ``KG_VALIDATION_TIMEOUT`` (seconds) and ``KG_MEMORY_LIMIT_MB``
(address space the child may add to what it inherits; ``0`` switches a limit off). Exceeding one raises
:class:`~kg.errors.BudgetExceeded` (exit code 7).

The child is *forked*, so arguments are not pickled (only the result is). A function run here
must not use an on-disk store handle inherited from the parent (RocksDB's threads do not survive
a fork): it opens its own, as :func:`kg.api` does for queries, or works on in-memory data.

>>> run_limited(Budget("demo", seconds=5, memory_mb=0), sum, [1, 2, 3])
6
"""
from __future__ import annotations

import faulthandler
import gc
import multiprocessing
import os
import pickle
import resource
import signal
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from .errors import BudgetExceeded

#: kind of work -> (setting holding its time budget, default seconds)
TIME_SETTINGS = {"query": "query_timeout", "inference": "inference_timeout", "validation": "validation_timeout"}


@dataclass(frozen=True)
class Budget:
    """How long (seconds) and how much address space (MB) one piece of work may use; 0 = unlimited."""

    what: str
    seconds: float
    memory_mb: int

    @classmethod
    def of(cls, kind: str) -> "Budget":
        """The configured budget of *kind* (``query``, ``inference`` or ``validation``)."""
        return cls(kind, _setting(TIME_SETTINGS[kind], float), _setting("memory_limit_mb", int))


def _setting(name: str, convert: Callable[[str], Any]) -> Any:
    from .config import SETTINGS
    from .errors import UsageError
    env, default, _ = SETTINGS[name]
    raw = os.environ.get(env) or default
    try:
        value = convert(raw)
    except ValueError:
        raise UsageError(f"{env}={raw!r} is not a number") from None
    if value < 0:
        raise UsageError(f"{env} must not be negative, got {raw}")
    return value


def run_limited(budget: Budget, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` in a child process within *budget*; its result or its exception.

    Exceptions raised by *fn* are re-raised here (as far as they pickle); a child that runs out
    of time is killed, one that runs out of memory dies, and both raise :class:`BudgetExceeded`.
    """
    if not budget.seconds and not budget.memory_mb:
        return fn(*args, **kwargs)
    return start_limited(budget, fn, *args, **kwargs).result()


class Limited:
    """Work started by :func:`start_limited`: :meth:`result` waits for it (within the budget, counted
    from the start) and returns its result or raises its exception, as :func:`run_limited` does."""

    def __init__(self, budget: Budget, fn: Callable[..., Any], args: tuple, kwargs: dict):
        self.budget = budget
        self.deadline = time.monotonic() + budget.seconds if budget.seconds else None
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        self._child = context.Process(target=_child, daemon=True, name=f"kg {budget.what}",
                                      args=(self._receiver, sender, os.getpid(), budget.memory_mb, fn, args, kwargs))
        with frozen_for_fork():
            self._child.start()
        sender.close()

    def result(self) -> Any:
        budget, child, receiver = self.budget, self._child, self._receiver
        try:
            wait = None if self.deadline is None else max(0.0, self.deadline - time.monotonic())
            if not receiver.poll(wait):
                raise out_of_time(budget)
            try:
                status, value = receiver.recv()
            except (EOFError, OSError):  # died without answering: out of memory (Rust aborts) or killed
                child.join(5)
                raise BudgetExceeded(_died(budget, child.exitcode)) from None
        finally:
            self.cancel()
        if status == "ok":
            return value
        if isinstance(value, MemoryError):
            raise BudgetExceeded(f"the {budget.what} ran out of its memory budget of {budget.memory_mb} MB "
                                 f"({_env('memory', budget)}); it was stopped and nothing was changed")
        raise value

    def cancel(self) -> None:
        """Stop the work if it still runs (nobody will wait for it)."""
        if self._child.is_alive():
            os.kill(self._child.pid, signal.SIGKILL)
        self._child.join()
        self._receiver.close()


def out_of_time(budget: Budget) -> BudgetExceeded:
    """The error for work that ran past its time budget."""
    return BudgetExceeded(f"the {budget.what} took longer than its budget of {budget.seconds:g} s "
                          f"({_env('time', budget)}); it was stopped and nothing was changed")


def deadline_check(budget: Budget) -> Callable[[], None]:
    """A function that raises :func:`out_of_time` once *budget*'s time has passed (from now): for work
    that cannot run in a child (it reads a store the parent holds open) and checks it between steps."""
    deadline = time.monotonic() + budget.seconds if budget.seconds else None

    def check() -> None:
        if deadline is not None and time.monotonic() > deadline:
            raise out_of_time(budget)
    return check


@contextmanager
def frozen_for_fork() -> Iterator[None]:
    """Fork inside this block with every object the parent holds moved out of the collector's reach.

    Python's gc documentation recommends ``gc.freeze()`` right before ``fork()``: the child's
    collections then never walk (and write to, so copy) the pages of the parent's objects. The
    inference child of a build inherits millions of premises that no collection could free.
    Objects frozen by someone else (:func:`kg.pipeline.build_store`) stay frozen; what was frozen
    here is handed back to the parent's collector afterwards.
    """
    already_frozen = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        yield
    finally:
        if not already_frozen:
            gc.unfreeze()


def start_limited(budget: Budget, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Limited:
    """Start ``fn(*args, **kwargs)`` in a child process within *budget* and return at once, so the
    caller can go on with other work (the build prepares the next batch while one is validated).

    The child is forked even without a budget: that is what lets the work overlap.
    """
    return Limited(budget, fn, args, kwargs)


def _child(receiver, sender, parent: int, memory_mb: int, fn, args, kwargs) -> None:
    # Our copy of the read end must go: if the parent dies, a large result would otherwise block in
    # send() forever, on a pipe only this process could read (found by the SIGKILL test, issue 9).
    receiver.close()
    _die_with(parent)
    faulthandler.disable()  # a child stopped by its budget is reported by the parent, not with a C traceback
    gc.enable()  # a build switches the collector off in the parent (kg.pipeline); this work needs its own
    if memory_mb:
        # On top of what the child inherits: a fork starts as large as its parent.
        limit = _address_space() + memory_mb * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
        except (ValueError, OSError):
            pass  # a platform without RLIMIT_AS: the time budget still holds
    try:
        outcome = ("ok", fn(*args, **kwargs))
    except BaseException as exc:  # noqa: BLE001 - handed to the parent
        outcome = ("error", _portable(exc))
    try:
        sender.send(outcome)
    except Exception as exc:  # noqa: BLE001 - a result that does not pickle
        from .errors import KgError
        sender.send(("error", KgError(f"the {fn.__name__} result cannot be handed back: {exc}")))


def _portable(exc: BaseException) -> BaseException:
    """*exc*, or a stand-in with its message and exit code if it does not survive pickling unchanged
    (an exception whose ``__init__`` takes other arguments than its message comes back garbled)."""
    from .errors import KgError
    try:
        clone = pickle.loads(pickle.dumps(exc))
        if type(clone) is type(exc) and str(clone) == str(exc):
            return exc
    except Exception:  # noqa: BLE001 - any pickling failure means: send a stand-in
        pass
    stand_in = KgError(str(exc)) if isinstance(exc, KgError) else RuntimeError(f"{type(exc).__name__}: {exc}")
    if isinstance(exc, KgError):
        stand_in.exit_code = exc.exit_code
    return stand_in


def _die_with(parent: int) -> None:
    """Be killed when the parent dies (Linux PR_SET_PDEATHSIG): work nobody waits for must not go on."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _address_space() -> int:
    """Bytes of address space this process uses now (Linux; 0 where /proc is missing)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:
        return 0


def _died(budget: Budget, exitcode: int | None) -> str:
    how = f"signal {-exitcode}" if exitcode and exitcode < 0 else f"exit code {exitcode}"
    memory = (f"ran out of its memory budget of {budget.memory_mb} MB ({_env('memory', budget)})"
              if budget.memory_mb else "crashed")
    return f"the {budget.what} {memory} and was stopped ({how}); nothing was changed"


def _env(which: str, budget: Budget) -> str:
    from .config import SETTINGS
    name = "memory_limit_mb" if which == "memory" else TIME_SETTINGS.get(budget.what, "query_timeout")
    return SETTINGS[name][0]
