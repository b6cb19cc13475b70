"""Stage 6 (query): answers kept while the store does not change.

Researchers ask the same stored questions again and again (a notebook re-run, a report rebuilt), while the
store changes only when a curator builds or loads. Evaluating a cross-regional query reads every
participation and event: 0.3–9.5 s at 10,000 articles, up to two minutes at 100,000 (docs/performance.md),
and no rewrite makes a join over 40,000 participations cheap on an on-disk store. So the first answer for a
state of the store is kept, in the store's directory, and given again until the store changes; the
evaluation itself is unchanged (``kg query --fresh`` and ``KG_ANSWERS=off`` skip the kept answers).

An answer must never outlive the data it was computed from. Every write goes through
:func:`kg.store.writable` or :func:`kg.store.build_fresh`, which stamp the store with a **generation**,
a random token in ``STORE/generation`` that is never reused:

* a writer replaces it by ``writing …`` before its first change (:func:`changing`) and by a new token
  once its changes are flushed; a fresh build writes its token into the new store before swapping it in;
* a reader (:func:`answered`) reads the token *before* it opens the snapshot it evaluates on, and files
  the answer under that token. Should a write begin after that read, the token is gone for good (the
  writer replaced it), so the answer can never be given; if not, the snapshot holds exactly the data
  the token stands for. An answer is only ever given under the token read at that moment;
* a store without a token (written by an older kg, or left ``writing …`` by a writer that crashed)
  gets no kept answers until its next write. The reader also reads the token again after evaluating
  and does not write an entry that can no longer be read.

kg's own writers are the only ones that stamp: a store changed by other means (pyoxigraph directly) must
have its ``generation`` file deleted, or be queried with ``KG_ANSWERS=off``.

Entries are JSON (never pickle: a file in a store directory must not be able to run code), one file per
query text, parameters and option, in ``STORE/answers/GENERATION/``; answers of older generations are
removed when a newer one is kept. A store directory kg cannot write (a published, read-only copy) simply
keeps nothing.

Giving a kept answer is reading it back into Python, so the entry is made for that: each row is a JSON
object that msgspec turns into the row's dict in C (building 54,000 dicts of nine cells in Python took as
long as parsing the file), read as bytes (no UTF-8 decoding into a ``str`` first), with the cyclic garbage
collector paused meanwhile (the rows hold no cycles; without the pause a quarter of a million new objects
set off collections that traverse every object of the process). The few values JSON cannot carry exactly
(``xsd:decimal``, integers beyond 64 bits, infinite and NaN doubles) are listed apart as lexical forms.
"""
from __future__ import annotations

import gc
import hashlib
import math
import os
import re
import secrets
import shutil
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

import msgspec

if TYPE_CHECKING:
    from .queries import QueryResult

from . import __version__

GENERATION_FILE = "generation"
ANSWERS_DIRECTORY = "answers"
_WRITING = "writing "
#: part of every key: a change in how answers are computed or written makes older entries unreachable
ANSWER_FORMAT = f"kg {__version__} answers 2"
#: what kg writes as a token; anything else (an edit, another tool) is no generation
_TOKEN = re.compile(r"[0-9a-f]{32}")
#: the kept answers of one generation stay below this size: the oldest written go first
MAX_KEPT_BYTES = 1 << 30
#: msgspec rather than orjson or the standard library: the fastest of the three at making the rows
#: (co-speaker-pairs at 10,000 articles, 12.9 MB: 81 / 93 / 130 ms, the collector paused for each)
_DECODER = msgspec.json.Decoder()
_ENCODER = msgspec.json.Encoder()


def enabled() -> bool:
    """Whether kept answers are used (``KG_ANSWERS``, default ``on``)."""
    from .config import SETTINGS
    env, default, _ = SETTINGS["answers"]
    return (os.environ.get(env) or default).strip().lower() not in ("off", "0", "no", "false")


# -- the store's generation (written by kg.store's writers) -------------------------------------------

def generation(store_path: Path) -> str | None:
    """The token of the store's current state; None while a write is under way or when there is none."""
    try:
        token = (Path(store_path) / GENERATION_FILE).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return token if _TOKEN.fullmatch(token) else None  # "writing …" too: a directory name must be a token


def stamp(store_path: Path) -> None:
    """Give the store at *store_path* a new generation (its content is final)."""
    _replace(Path(store_path) / GENERATION_FILE, secrets.token_hex(16) + "\n")


@contextmanager
def changing(store_path: Path) -> Iterator[None]:
    """Mark the store as being written for the duration, then stamp it (also after a failed write: a
    load is all-or-nothing, but a new token costs only the kept answers)."""
    _replace(Path(store_path) / GENERATION_FILE, _WRITING + secrets.token_hex(16) + "\n")
    try:
        yield
    finally:
        stamp(store_path)


def _replace(path: Path, content: str | bytes) -> None:
    """Write *path* atomically: a reader sees the old or the new content, never a part."""
    partial = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.partial")
    try:
        partial.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


# -- keeping and giving answers -----------------------------------------------------------------------

def answer_key(sparql: str, *, with_inferred: bool = True) -> str:
    """The key of an answer: the exact query text (parameters are bound in it as VALUES blocks) and the
    graphs it reads."""
    digest = hashlib.sha256(f"{ANSWER_FORMAT}\nwith_inferred={with_inferred}\n{sparql}".encode("utf-8"))
    return digest.hexdigest()


def answered(store_path: Path, key: str, evaluate: Callable[[], QueryResult], *,
             fresh: bool = False) -> QueryResult:
    """The kept answer for *key* in the store's current generation, else ``evaluate()`` (which must open
    its own snapshot of the store), kept when the store did not change while it ran.

    *fresh* evaluates even when an answer is kept (and keeps the new one).
    """
    if not enabled():
        return evaluate()
    before = generation(store_path)
    if before is not None and not fresh:
        kept = _read(store_path, before, key)
        if kept is not None:
            return kept
    result = evaluate()
    if before is not None and generation(store_path) == before:
        _keep(store_path, before, key, result)
    return result


def _entry(store_path: Path, token: str, key: str) -> Path:
    return Path(store_path) / ANSWERS_DIRECTORY / token / f"{key}.json"


def _read(store_path: Path, token: str, key: str) -> QueryResult | None:
    from .queries import QueryResult  # kg.queries imports kg.store, which imports this module
    entry = _entry(store_path, token, key)
    try:
        content = entry.read_bytes()
        with _collector_paused():
            data = _DECODER.decode(content)
            if data.get("format") != ANSWER_FORMAT:
                return None
            rows = data["rows"]
            for index, column, kind, text in data["typed"]:
                rows[index][column] = _TYPED_READERS[kind](text)
        return QueryResult(data["columns"], rows)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError, msgspec.DecodeError):
        try:
            entry.unlink(missing_ok=True)  # unreadable (a disk error, an edit): evaluate instead
        except OSError:
            pass
        return None


def _keep(store_path: Path, token: str, key: str, result: QueryResult) -> None:
    entry = _entry(store_path, token, key)
    answers = entry.parent.parent
    try:
        for older in answers.iterdir() if answers.is_dir() else ():
            if older.name != token:
                shutil.rmtree(older, ignore_errors=True)
        entry.parent.mkdir(parents=True, exist_ok=True)
        rows, typed = _plain_rows(result)
        content = _ENCODER.encode({"format": ANSWER_FORMAT, "columns": result.columns, "typed": typed,
                                "rows": rows})
        _make_room(entry.parent, len(content))
        _replace(entry, content)
    except (OSError, TypeError, ValueError, msgspec.EncodeError):
        pass  # a read-only or full store directory keeps nothing; the answer itself is right


def _make_room(directory: Path, size: int) -> None:
    """Remove the oldest kept answers of *directory* until *size* more bytes fit under MAX_KEPT_BYTES
    (many parameter values or ad-hoc queries must not fill the disk)."""
    if size > MAX_KEPT_BYTES:
        raise ValueError("too large to keep")
    entries = []
    for entry in directory.glob("*.json"):
        try:
            status = entry.stat()
        except OSError:
            continue  # removed meanwhile by another reader making room
        entries.append((status.st_mtime_ns, status.st_size, entry))
    total = sum(s for _, s, _ in entries)
    for _, entry_size, entry in sorted(entries, key=lambda e: e[0]):
        if total + size <= MAX_KEPT_BYTES:
            break
        entry.unlink(missing_ok=True)
        total -= entry_size


#: the cells JSON cannot carry exactly, by kind: how to read their lexical form back
_TYPED_READERS: dict[str, Callable[[str], Any]] = {"decimal": Decimal, "integer": int, "double": float}


def _plain_rows(result: QueryResult) -> tuple[list[dict[str, Any]], list[list[Any]]]:
    """The rows as JSON objects of every column, and ``[row, column, kind, lexical form]`` for each cell
    JSON would not give back as it is (its place in the row holds ``null``)."""
    rows, typed = [], []
    for index, row in enumerate(result.rows):
        plain = {column: row.get(column) for column in result.columns}
        for column, value in plain.items():
            kind = _typed_kind(value)
            if kind is not None:
                typed.append([index, column, kind, str(value)])
                plain[column] = None
        rows.append(plain)
    return rows, typed


def _typed_kind(value: Any) -> str | None:
    """The kind under which *value* is kept apart, None for a value JSON carries as it is."""
    if value is None or isinstance(value, (str, bool)):
        return None
    if isinstance(value, int):
        return None if -(1 << 63) <= value < (1 << 63) else "integer"  # JSON readers' integers are 64-bit
    if isinstance(value, float):
        return None if math.isfinite(value) else "double"  # JSON has no NaN or infinity
    if isinstance(value, Decimal):
        return "decimal"
    raise TypeError(f"an answer cell of type {type(value).__name__} cannot be kept")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a kept answer is read (see the module's docstring)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
