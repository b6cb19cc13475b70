"""Progress of long operations (build, push, benchmarks): library code reports, the CLI displays.

Library functions take an optional ``progress(stage, done, total)`` callback and call it as work
advances; they never print. :class:`TerminalProgress` is the callback the CLI passes: a click
progress bar per stage on standard error, with position, rate and ETA, and nothing at all when
standard error is not a terminal (logs and pipes stay clean).

>>> seen = []
>>> list(counted(["a", "b"], lambda *args: seen.append(args), "reading"))
['a', 'b']
>>> seen
[('reading', 0, 2), ('reading', 1, 2), ('reading', 2, 2)]
"""
from __future__ import annotations

import sys
import time
from typing import IO, Callable, Iterable, Iterator, Sequence, TypeVar

#: ``progress(stage, done, total)``: *done* of *total* items of *stage* are finished.
ProgressCallback = Callable[[str, int, int], None]
T = TypeVar("T")


def counted(items: Sequence[T] | Iterable[T], progress: ProgressCallback | None, stage: str,
            total: int | None = None) -> Iterator[T]:
    """Yield *items*, reporting each one as done once the consumer asks for the next."""
    if progress is None:
        yield from items
        return
    total = len(items) if total is None else total  # type: ignore[arg-type]
    progress(stage, 0, total)
    done = 0
    for item in items:
        yield item
        done += 1
        progress(stage, done, total)


def step(progress: ProgressCallback | None, stage: str) -> Callable[[], None]:
    """Report *stage* as started (0 of 1); call the result when it is finished."""
    if progress is None:
        return lambda: None
    progress(stage, 0, 1)
    return lambda: progress(stage, 1, 1)


class TerminalProgress:
    """One click progress bar per stage on *file* (standard error), only if it is a terminal."""

    def __init__(self, file: IO[str] | None = None, *, unit: str = "items"):
        self.file = file or sys.stderr
        self.enabled = bool(getattr(self.file, "isatty", lambda: False)())
        self.unit = unit
        self._bar = None
        self._stage: str | None = None
        self._done = 0
        self._started = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if stage != self._stage:
            self.close()
            import click
            self._stage, self._done, self._started = stage, 0, time.monotonic()
            self._bar = click.progressbar(length=max(total, 1), label=f"{stage:<22}", file=self.file,
                                          show_pos=total > 1, show_eta=True, item_show_func=self._rate)
            self._bar.__enter__()
        if done > self._done:
            self._bar.update(done - self._done, current_item=done)
            self._done = done

    def _rate(self, done: int | None) -> str | None:
        elapsed = time.monotonic() - self._started
        if not done or elapsed <= 0:
            return None
        return f"{done / elapsed:,.0f} {self.unit}/s"

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None
            self._stage = None

    def __enter__(self) -> "TerminalProgress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
